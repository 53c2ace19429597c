/**
 * Reliability tracing: request-ID filters, JSON logging with Logback and OpenTelemetry tracing.
 *
 * <p>Exports the API packages only; {@code internal} is not exported. The Servlet filter and the
 * Logback pieces need optional libraries, {@code requires static} modules the application resolves
 * itself. The shipped Logback configuration ({@code reliability/logback-json.xml}) is opened so
 * that Logback can include it from the module path.
 */
module dev.reliability.tracing {
  requires transitive dev.reliability.core;
  // OpenTelemetry and java.net.http types appear in the API (ServiceTracing, HttpClientTracing).
  requires transitive io.opentelemetry.api;
  requires transitive io.opentelemetry.context;
  requires transitive io.opentelemetry.sdk.trace;
  requires transitive java.net.http;
  requires io.opentelemetry.sdk;
  requires io.opentelemetry.sdk.common;
  requires io.opentelemetry.sdk.autoconfigure;
  requires io.opentelemetry.sdk.autoconfigure.spi;
  // Not referenced by code: the autoconfigured SDK finds these exporters as services. Requiring
  // them says that they must be on the module path, as the POM makes them compile dependencies.
  requires io.opentelemetry.exporter.otlp;
  requires io.opentelemetry.exporter.logging;
  requires org.slf4j;
  requires transitive jdk.httpserver;
  requires static jakarta.servlet;
  requires static ch.qos.logback.classic;
  requires static ch.qos.logback.core;
  requires static logstash.logback.encoder;
  requires static com.fasterxml.jackson.core;

  exports dev.reliability.tracing;
  exports dev.reliability.tracing.httpserver;
  exports dev.reliability.tracing.logging;
  exports dev.reliability.tracing.servlet;

  // The shipped Logback configuration, reliability/logback-json.xml, which Logback reads through
  // its class loader: a resource in a named module's package is found only when it is open.
  opens reliability;

  provides io.micrometer.context.ThreadLocalAccessor with
      dev.reliability.tracing.internal.OtelContextAccessor;
}
