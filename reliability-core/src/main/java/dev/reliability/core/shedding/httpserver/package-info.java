/**
 * The load-shedding filter for the JDK {@code HttpServer} ({@code jdk.httpserver}, always present):
 * {@link dev.reliability.core.shedding.httpserver.LoadSheddingFilter}.
 */
package dev.reliability.core.shedding.httpserver;
