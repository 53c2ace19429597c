/**
 * Filters for the JDK's built-in {@code com.sun.net.httpserver.HttpServer}: request context ({@link
 * dev.reliability.tracing.httpserver.RequestContextFilter}) and problem+json error handling ({@link
 * dev.reliability.tracing.httpserver.ProblemJsonFilter}).
 */
package dev.reliability.tracing.httpserver;
