package dev.reliability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.tracing.httpserver.ProblemJsonFilter;
import dev.reliability.tracing.httpserver.RequestContextFilter;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The walkthrough of docs/tracing.md: service A calls service B; one request ID in both services'
 * logs and one trace across both.
 */
class TwoServiceWalkthroughTest {

  private static HttpServer serve(String path, HttpHandler handler, ServiceTracing tracing)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    HttpContext context = server.createContext(path, handler);
    context
        .getFilters()
        .add(RequestContextFilter.create(RequestTracing.builder().tracing(tracing).build()));
    context.getFilters().add(ProblemJsonFilter.create());
    server.start();
    return server;
  }

  private static void reply(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static ServiceTracing tracing(String service, InMemorySpanExporter exporter) {
    return ServiceTracing.builder()
        .enabled(true)
        .serviceName(service)
        .sampleRatio(1.0)
        .spanExporter(exporter)
        .otelEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none"))
        .build();
  }

  @Test
  void oneRequestIdInBothServicesLogsAndOneTrace() throws Exception {
    InMemorySpanExporter spansA = InMemorySpanExporter.create();
    InMemorySpanExporter spansB = InMemorySpanExporter.create();
    HttpClient client = HttpClient.newHttpClient();
    List<JsonNode> logLines;
    HttpResponse<String> response;
    List<SpanData> finishedA;
    List<SpanData> finishedB;
    try (JsonLogs logs = new JsonLogs(Map.of("RELIABILITY_SERVICE_NAME", "walkthrough"));
        ServiceTracing tracingA = tracing("service-a", spansA);
        ServiceTracing tracingB = tracing("service-b", spansB)) {
      Logger logA = logs.logger("service-a.Orders");
      Logger logB = logs.logger("service-b.Stock");

      // Service B: reserves stock.
      HttpServer b =
          serve(
              "/stock",
              exchange -> {
                logB.info("stock reserved");
                reply(exchange, "reserved");
              },
              tracingB);
      URI stock = URI.create("http://127.0.0.1:" + b.getAddress().getPort() + "/stock");

      // Service A: places an order and calls B with the request ID and trace context.
      HttpClientTracing outgoing = HttpClientTracing.create(tracingA);
      HttpServer a =
          serve(
              "/orders",
              exchange -> {
                logA.info("placing order");
                try {
                  String answer =
                      outgoing
                          .send(
                              client,
                              HttpRequest.newBuilder(stock)
                                  .POST(HttpRequest.BodyPublishers.noBody())
                                  .build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body();
                  logA.info("order placed, stock {}", answer);
                  reply(exchange, "placed");
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IOException(e);
                }
              },
              tracingA);
      try {
        response =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + a.getAddress().getPort() + "/orders"))
                    .header(TracingHeaders.REQUEST_ID, "req-walkthrough")
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
      } finally {
        a.stop(0);
        b.stop(0);
      }
      // Each server span ends after its response has reached the caller.
      await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(
              () ->
                  spansA.getFinishedSpanItems().size() == 2
                      && spansB.getFinishedSpanItems().size() == 1);
      // Read before close: shutting the SDK down clears the in-memory exporters.
      finishedA = spansA.getFinishedSpanItems();
      finishedB = spansB.getFinishedSpanItems();
      logLines = logs.lines();
    }

    assertThat(response.body()).isEqualTo("placed");
    assertThat(response.headers().firstValue(TracingHeaders.REQUEST_ID))
        .contains("req-walkthrough");

    // One request ID in both services' logs.
    assertThat(logLines)
        .extracting(l -> l.get("logger").asText())
        .containsExactly("service-a.Orders", "service-b.Stock", "service-a.Orders");
    assertThat(logLines)
        .allSatisfy(l -> assertThat(l.get("request_id").asText()).isEqualTo("req-walkthrough"));

    // One trace: A's server span -> A's client span -> B's server span.
    List<SpanData> all = new ArrayList<>(finishedA);
    all.addAll(finishedB);
    assertThat(all).extracting(SpanData::getTraceId).containsOnly(all.get(0).getTraceId());
    assertThat(all).hasSize(3);
    SpanData serverA = find(finishedA, SpanKind.SERVER);
    SpanData clientA = find(finishedA, SpanKind.CLIENT);
    SpanData serverB = find(finishedB, SpanKind.SERVER);
    assertThat(clientA.getParentSpanId()).isEqualTo(serverA.getSpanId());
    assertThat(serverB.getParentSpanId()).isEqualTo(clientA.getSpanId());
    assertThat(serverB.getResource().getAttributes().asMap().toString())
        .contains("service.name=service-b");
    assertThat(all)
        .allSatisfy(
            s ->
                assertThat(s.getAttributes().get(TracingAttributes.REQUEST_ID))
                    .isEqualTo("req-walkthrough"));
    assertThat(logLines)
        .allSatisfy(l -> assertThat(l.get("trace_id").asText()).isEqualTo(serverA.getTraceId()));
    assertThat(logLines.get(1).get("span_id").asText()).isEqualTo(serverB.getSpanId());
  }

  private static SpanData find(List<SpanData> spans, SpanKind kind) {
    return spans.stream().filter(s -> s.getKind() == kind).findFirst().orElseThrow();
  }
}
