/**
 * HTTP endpoints for health reports: {@link dev.reliability.health.http.HealthHttpHandler} for the
 * JDK's {@code HttpServer} and {@link dev.reliability.health.http.HealthServlet} for Jakarta
 * Servlet containers, both configured by {@link dev.reliability.health.http.HealthEndpointConfig}.
 * Both adapt their server's request and response to one package-private responder, which routes,
 * negotiates the format from the {@code Accept} header and writes the JSON, so the two servers
 * answer alike. This package reads the registry's public API only.
 */
package dev.reliability.health.http;
