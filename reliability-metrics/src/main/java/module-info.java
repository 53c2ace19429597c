/**
 * Reliability metrics: Micrometer binders, the Prometheus scrape handler, OTLP and cloud
 * registries.
 *
 * <p>Exports the API packages only; {@code internal} is not exported. The push registries, the
 * Servlet handler and the cache binder need optional libraries, {@code requires static} modules the
 * application resolves itself (the exporters find a registry only when its module is resolved).
 */
module dev.reliability.metrics {
  requires transitive dev.reliability.core;
  // Micrometer types appear in the API (MeterRegistry, MeterBinder, PrometheusMeterRegistry).
  requires transitive micrometer.core;
  requires transitive micrometer.registry.prometheus;
  requires io.prometheus.metrics.model;
  requires org.slf4j;
  requires transitive jdk.httpserver;
  requires static dev.reliability.health;
  requires static jakarta.servlet;
  requires static com.github.benmanes.caffeine;
  requires static micrometer.registry.otlp;
  requires static micrometer.registry.stackdriver;
  requires static micrometer.registry.cloudwatch2;
  requires static micrometer.registry.datadog;
  requires static software.amazon.awssdk.services.cloudwatch;

  exports dev.reliability.metrics;
  exports dev.reliability.metrics.export;
  exports dev.reliability.metrics.http;
  exports dev.reliability.metrics.prometheus;
}
