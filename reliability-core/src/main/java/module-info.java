/**
 * Reliability core: the exception hierarchy and error classification, configuration,
 * fault-tolerance policies on Resilience4j, request context, leak detection and bounded connection
 * registries.
 *
 * <p>Exports the API packages only; the {@code internal} packages are implementation and are not
 * exported (the one qualified export serves the sibling modules of this project). The WebSocket
 * adapters need their container's API on the module path: those modules are {@code requires static}
 * and must be resolved by the application (a {@code requires} of its own or {@code --add-modules}).
 */
module dev.reliability.core {
  // Resilience4j types appear in the API (the resilience4j() views, bring-your-own instances).
  requires transitive io.github.resilience4j.circuitbreaker;
  requires transitive io.github.resilience4j.ratelimiter;
  requires transitive io.github.resilience4j.bulkhead;
  requires transitive io.github.resilience4j.retry;
  requires io.github.resilience4j.core;
  // ContextPropagation and Policy take a ContextSnapshotFactory; RequestContextAccessor is one.
  requires transitive context.propagation;
  requires org.slf4j;
  // KeyedPolicy holds its policies in a Caffeine cache; no Caffeine type is in the API.
  requires com.github.benmanes.caffeine;
  requires java.management;
  requires java.net.http;
  requires java.sql;
  requires jdk.jfr;
  // LoadSheddingFilter is a com.sun.net.httpserver.Filter (always in the JDK): in the API.
  requires transitive jdk.httpserver;
  requires jdk.management;

  // Optional adapters (optional in the POM): present only for users who have the container. Not
  // transitive although the adapters' signatures carry the container's types: a static transitive
  // edge would make every consumer's compilation need the container, and an adapter's user
  // requires it anyway.
  requires static jakarta.websocket.client;
  requires static org.eclipse.jetty.websocket.api;
  requires static org.eclipse.jetty.websocket.server;
  requires static org.eclipse.jetty.http;
  requires static org.eclipse.jetty.server;
  requires static jakarta.servlet;
  // Optional: FileConfigSource reads YAML with Jackson when the application has it.
  requires static com.fasterxml.jackson.dataformat.yaml;
  requires static com.fasterxml.jackson.databind;
  requires static com.fasterxml.jackson.core;

  exports dev.reliability.core.config;
  exports dev.reliability.core.connection;
  exports dev.reliability.core.connection.jakarta;
  exports dev.reliability.core.connection.jetty;
  exports dev.reliability.core.context;
  exports dev.reliability.core.error;
  exports dev.reliability.core.leak;
  exports dev.reliability.core.policy;
  exports dev.reliability.core.problem;
  exports dev.reliability.core.redaction;
  exports dev.reliability.core.shedding;
  exports dev.reliability.core.shedding.httpserver;
  exports dev.reliability.core.shedding.servlet;
  exports dev.reliability.core.time;

  // Shared implementation: readable by the sibling modules of this project, never by applications.
  exports dev.reliability.core.internal to
      dev.reliability.health,
      dev.reliability.tracing,
      dev.reliability.metrics,
      dev.reliability.monitoring,
      dev.reliability.test,
      dev.reliability.cluster,
      dev.reliability.reactor;

  provides io.micrometer.context.ThreadLocalAccessor with
      dev.reliability.core.context.RequestContextAccessor;
}
