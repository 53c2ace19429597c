/**
 * Reliability health: health checks, aggregation, Kubernetes probes, built-in checks and HTTP
 * endpoints.
 *
 * <p>Exports the API packages only; {@code internal} is not exported. {@code HealthServlet} needs
 * the Jakarta Servlet API, a {@code requires static} module the application resolves itself.
 */
module dev.reliability.health {
  // Types of these modules appear in the API: configs and settings, HttpClient, DataSource,
  // HttpHandler and HttpServer, Resilience4j's CircuitBreaker.
  requires transitive dev.reliability.core;
  requires transitive io.github.resilience4j.circuitbreaker;
  requires transitive java.net.http;
  requires transitive java.sql;
  requires transitive jdk.httpserver;
  requires com.fasterxml.jackson.databind;
  requires com.github.oshi;
  requires org.slf4j;
  requires java.management;
  requires jdk.management;
  requires static jakarta.servlet;

  exports dev.reliability.health;
  exports dev.reliability.health.alert;
  exports dev.reliability.health.checks;
  exports dev.reliability.health.http;
  exports dev.reliability.health.spi;
}
