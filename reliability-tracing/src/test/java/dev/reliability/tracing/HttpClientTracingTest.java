package dev.reliability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpClientTracingTest {

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer server;
  private ServiceTracing tracing;
  private URI echo;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/echo",
        ex -> {
          String body =
              ex.getRequestHeaders().getFirst(TracingHeaders.REQUEST_ID)
                  + " "
                  + ex.getRequestHeaders().getFirst(TracingHeaders.TRACEPARENT)
                  + " "
                  + ex.getRequestHeaders().getFirst(TracingHeaders.BAGGAGE);
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          int status = ex.getRequestURI().getQuery() == null ? 200 : 503;
          ex.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    echo = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/echo");
    tracing =
        ServiceTracing.builder()
            .enabled(true)
            .sampleRatio(1.0)
            .spanExporter(spans)
            .otelEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none"))
            .build();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    tracing.close();
  }

  @Test
  void withoutTracingOnlyTheRequestIdIsSent() throws Exception {
    HttpClientTracing propagation = HttpClientTracing.withoutTracing();
    String body;
    try (ContextScope scope = RequestContext.of("req-out").bind()) {
      body =
          propagation
              .send(
                  client,
                  HttpRequest.newBuilder(echo).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    }
    assertThat(body).isEqualTo("req-out null null");
    assertThat(propagation.decorate(HttpRequest.newBuilder(echo)).build().headers().map())
        .doesNotContainKey(TracingHeaders.REQUEST_ID);
  }

  @Test
  void sendRunsUnderAClientSpanAndPropagatesIt() throws Exception {
    HttpClientTracing propagation = HttpClientTracing.create(tracing);
    Span parent = tracing.tracer().spanBuilder("handler").startSpan();
    String body;
    try (Scope s = parent.makeCurrent();
        ContextScope scope = RequestContext.of("req-traced").bind()) {
      body =
          propagation
              .send(
                  client,
                  HttpRequest.newBuilder(echo).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    } finally {
      parent.end();
    }
    tracing.flush();
    SpanData clientSpan =
        spans.getFinishedSpanItems().stream()
            .filter(d -> d.getKind() == SpanKind.CLIENT)
            .findFirst()
            .orElseThrow();
    assertThat(clientSpan.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(body)
        .isEqualTo(
            "req-traced 00-"
                + clientSpan.getTraceId()
                + "-"
                + clientSpan.getSpanId()
                + "-"
                + clientSpan.getSpanContext().getTraceFlags().asHex()
                + " null");
    assertThat(clientSpan.getName()).isEqualTo("GET");
    assertThat(clientSpan.getAttributes().get(TracingAttributes.REQUEST_ID))
        .isEqualTo("req-traced");
    assertThat(clientSpan.getAttributes().asMap().toString())
        .contains("url.full=" + echo)
        .contains("http.response.status_code=200");
  }

  @Test
  void decorateCopiesARequestAndAddsTraceContextAndBaggage() {
    HttpClientTracing propagation = HttpClientTracing.create(tracing);
    Span span = tracing.tracer().spanBuilder("handler").startSpan();
    HttpRequest decorated;
    try (Scope s =
            io.opentelemetry.context.Context.current()
                .with(span)
                .with(
                    io.opentelemetry.api.baggage.Baggage.builder()
                        .put(TracingAttributes.BAGGAGE_KEY, "req-b")
                        .build())
                .makeCurrent();
        ContextScope scope = RequestContext.of("req-b").bind()) {
      decorated =
          propagation.decorate(HttpRequest.newBuilder(echo).header("X-Other", "kept").build());
    } finally {
      span.end();
    }
    assertThat(decorated.headers().firstValue("X-Other")).contains("kept");
    assertThat(decorated.headers().firstValue(TracingHeaders.REQUEST_ID)).contains("req-b");
    assertThat(decorated.headers().firstValue(TracingHeaders.TRACEPARENT))
        .contains(
            "00-"
                + span.getSpanContext().getTraceId()
                + "-"
                + span.getSpanContext().getSpanId()
                + "-"
                + span.getSpanContext().getTraceFlags().asHex());
    assertThat(decorated.headers().firstValue(TracingHeaders.BAGGAGE)).contains("request.id=req-b");
  }

  @Test
  void sendAsyncEndsTheSpanWithTheOutcome() throws Exception {
    HttpClientTracing propagation = HttpClientTracing.create(tracing);
    HttpResponse<String> response =
        propagation
            .sendAsync(
                client,
                HttpRequest.newBuilder(URI.create(echo + "?fail")).build(),
                HttpResponse.BodyHandlers.ofString())
            .get(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(503);
    tracing.flush();
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(
            span.getAttributes()
                .get(io.opentelemetry.api.common.AttributeKey.stringKey("url.full")))
        .isEqualTo(echo.toString());
  }
}
