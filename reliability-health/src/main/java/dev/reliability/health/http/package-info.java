/**
 * HTTP endpoints for health reports: {@link dev.reliability.health.http.HealthHttpHandler} for the
 * JDK's {@code HttpServer} and {@link dev.reliability.health.http.HealthServlet} for Jakarta
 * Servlet containers, both configured by {@link dev.reliability.health.http.HealthEndpointConfig}.
 */
package dev.reliability.health.http;
