/**
 * Request tracing across services: OpenTelemetry set-up ({@link
 * dev.reliability.tracing.ServiceTracing}), what the server filters do per request ({@link
 * dev.reliability.tracing.RequestTracing}), propagation on outgoing {@code java.net.http} calls
 * ({@link dev.reliability.tracing.HttpClientTracing}), and the header, attribute and MDC names
 * ({@link dev.reliability.tracing.TracingHeaders}, {@link
 * dev.reliability.tracing.TracingAttributes}). Server filters are in {@code httpserver} (JDK) and
 * {@code servlet} (Jakarta); JSON logging is in {@code logging}.
 */
package dev.reliability.tracing;
