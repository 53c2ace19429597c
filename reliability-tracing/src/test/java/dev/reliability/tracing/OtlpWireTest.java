package dev.reliability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Spans over the wire: OTLP/HTTP protobuf to a local receiver that decodes the payload. */
class OtlpWireTest {

  private final List<ExportTraceServiceRequest> received = new CopyOnWriteArrayList<>();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();
  private HttpServer receiver;

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/v1/traces",
        ex -> {
          contentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
          received.add(ExportTraceServiceRequest.parseFrom(ex.getRequestBody().readAllBytes()));
          byte[] body = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
          ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
  }

  @Test
  void spansReachAnOtlpHttpReceiverConfiguredByTheStandardVariables() {
    String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort();
    String traceId;
    try (ServiceTracing tracing =
        ServiceTracing.builder()
            .enabled(true)
            .sampleRatio(1.0)
            .serviceName("set-in-code")
            .otelEnvironment(
                Map.of(
                    "OTEL_SERVICE_NAME", "checkout",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", endpoint,
                    "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                    "OTEL_RESOURCE_ATTRIBUTES", "service.version=1.2.3"))
            .build()) {
      Span span = tracing.tracer().spanBuilder("charge card").startSpan();
      try (ContextScope scope = RequestContext.of("req-wire").bind()) {
        span.setAttribute(TracingAttributes.REQUEST_ID, RequestContext.currentRequestId());
      } finally {
        span.end();
      }
      traceId = span.getSpanContext().getTraceId();
    } // close() flushes the batch processor

    assertThat(contentTypes).containsOnly("application/x-protobuf");
    List<ResourceSpans> resources =
        received.stream().flatMap(r -> r.getResourceSpansList().stream()).toList();
    assertThat(resources).hasSize(1);
    assertThat(attributes(resources.get(0).getResource().getAttributesList()))
        .containsEntry("service.name", "checkout")
        .containsEntry("service.version", "1.2.3");
    ScopeSpans scope = resources.get(0).getScopeSpans(0);
    assertThat(scope.getScope().getName()).isEqualTo(ServiceTracing.INSTRUMENTATION_NAME);
    io.opentelemetry.proto.trace.v1.Span span = scope.getSpans(0);
    assertThat(span.getName()).isEqualTo("charge card");
    assertThat(hex(span.getTraceId().toByteArray())).isEqualTo(traceId);
    assertThat(attributes(span.getAttributesList())).containsEntry("request.id", "req-wire");
  }

  private static Map<String, String> attributes(List<KeyValue> list) {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (KeyValue kv : list) {
      m.put(kv.getKey(), kv.getValue().getStringValue());
    }
    return m;
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }
}
