package dev.reliability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.context.ContextHygiene;
import dev.reliability.core.context.ContextPropagation;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.tracing.httpserver.ProblemJsonFilter;
import dev.reliability.tracing.httpserver.RequestContextFilter;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ServiceTracingTest {

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final ExecutorService pool = Executors.newFixedThreadPool(1);
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer server;
  private ServiceTracing tracing;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.stop(0);
    }
    if (tracing != null) {
      tracing.close();
    }
    ContextHygiene.assertCurrentThreadClean();
    ContextHygiene.assertPoolClean(pool, 1, Duration.ofSeconds(10));
    pool.shutdownNow();
  }

  private ServiceTracing tracing(double ratio, boolean keepErrors) {
    tracing =
        ServiceTracing.builder()
            .enabled(true)
            .serviceName("orders")
            .environment("test")
            .resourceAttribute("team", "payments")
            .sampleRatio(ratio)
            .keepErrorTraces(keepErrors)
            .spanExporter(spans)
            .otelEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none"))
            .build();
    return tracing;
  }

  private URI serve(ServiceTracing tracing) throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(pool);
    HttpContext context =
        server.createContext(
            "/orders",
            ex -> {
              if (ex.getRequestURI().getPath().endsWith("/fail")) {
                throw new IllegalStateException("boom");
              }
              String body =
                  Baggage.current().getEntryValue(TracingAttributes.BAGGAGE_KEY)
                      + " "
                      + MDC.get("trace_id")
                      + " "
                      + Span.current().getSpanContext().getTraceId();
              byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
              ex.sendResponseHeaders(200, bytes.length);
              try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
              }
            });
    context
        .getFilters()
        .add(RequestContextFilter.create(RequestTracing.builder().tracing(tracing).build()));
    context.getFilters().add(ProblemJsonFilter.create());
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/orders");
  }

  private void awaitSpans(int count) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> spans.getFinishedSpanItems().size() >= count);
  }

  @Test
  void isOffByDefault() {
    ServiceTracing off = ServiceTracing.builder().build();

    assertThat(off.isEnabled()).isFalse();
    assertThat(off.openTelemetry()).isSameAs(OpenTelemetry.noop());
    assertThat(off.tracer().spanBuilder("x").startSpan().getSpanContext().isValid()).isFalse();
    assertThat(off.flush()).isTrue();
    assertThat(off).hasToString("ServiceTracing[disabled]");
    off.close();
  }

  @Test
  void isTurnedOnByConfigurationIncludingTheSeedsVariableNames() {
    ConfigSource env =
        ConfigSource.environment(Map.of("ENABLE_TRACING", "true", "TRACE_SAMPLE_RATE", "0.25"))
            .withAliases(ServiceTracing.LEGACY_ALIASES);
    tracing =
        ServiceTracing.builder()
            .configSource(env)
            .spanExporter(spans)
            .otelEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none"))
            .build();

    assertThat(tracing.isEnabled()).isTrue();
    assertThat(tracing.sampleRatio()).isEqualTo(0.25);
    assertThat(tracing.keepsErrorTraces()).isTrue();
    assertThat(tracing)
        .hasToString("ServiceTracing[enabled, sampleRatio=0.25, keepErrorTraces=true]");
  }

  @Test
  void defaultsToTenPercentParentBasedSampling() {
    tracing =
        ServiceTracing.builder().enabled(true).keepErrorTraces(false).spanExporter(spans).build();

    assertThat(tracing.sampleRatio()).isEqualTo(0.1);
    String sampler =
        ((io.opentelemetry.sdk.OpenTelemetrySdk) tracing.openTelemetry())
            .getSdkTracerProvider()
            .getSampler()
            .getDescription();
    assertThat(sampler).startsWith("ParentBased{root:TraceIdRatioBased{0.100000}");
  }

  @Test
  void invalidSettingsFailAtBuildTime() {
    assertThatThrownBy(
            () ->
                ServiceTracing.builder()
                    .configSource(
                        ConfigSource.fromMap(
                            "test",
                            Map.of(
                                "reliability.tracing.enabled", "maybe",
                                "reliability.tracing.sample-ratio", "150%")))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("Invalid configuration (2 problems):")
        .hasMessageContaining("reliability.tracing.enabled must be")
        .hasMessageContaining("reliability.tracing.sample-ratio must be");
    assertThatThrownBy(() -> ServiceTracing.builder().sampleRatio(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "sample-ratio must be a percentage such as 80% or a fraction such as 0.8, was 1.5");
  }

  @Test
  void serverSpansContinueTheCallersTraceAndCarryTheRequestId() throws Exception {
    URI uri = serve(tracing(1.0, false));
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri)
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .header(TracingHeaders.REQUEST_ID, "req-span")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.body()).isEqualTo("req-span " + traceId + " " + traceId);
    // The filter ends the span after the handler's response has reached the client.
    awaitSpans(1);
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).hasSize(1);
    SpanData span = finished.get(0);
    assertThat(span.getName()).isEqualTo("GET /orders");
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.getTraceId()).isEqualTo(traceId);
    assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(span.getAttributes().get(TracingAttributes.REQUEST_ID)).isEqualTo("req-span");
    assertThat(span.getAttributes().asMap().toString())
        .contains("http.request.method=GET")
        .contains("url.path=/orders")
        .contains("http.response.status_code=200");
    assertThat(span.getResource().getAttributes().asMap().toString())
        .contains("service.name=orders")
        .contains("deployment.environment.name=test")
        .contains("team=payments");
  }

  @Test
  void theRequestIdComesFromBaggageWhenTheHeaderIsMissing() throws Exception {
    URI uri = serve(tracing(1.0, false));
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri).header("baggage", "request.id=req-from-baggage").build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.headers().firstValue(TracingHeaders.REQUEST_ID))
        .contains("req-from-baggage");
  }

  @Test
  void failedRequestsMarkTheSpanAsError() throws Exception {
    URI uri = serve(tracing(1.0, false));
    client.send(
        HttpRequest.newBuilder(URI.create(uri + "/fail")).build(),
        HttpResponse.BodyHandlers.ofString());

    awaitSpans(1);
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(TracingAttributes.ERROR_CODE)).isEqualTo("INTERNAL_ERROR");
    assertThat(span.getEvents()).extracting(e -> e.getName()).contains("exception");
  }

  @Test
  void unsampledTracesAreDroppedUnlessTheyFail() throws Exception {
    URI uri = serve(tracing(0.0, true));
    client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    client.send(
        HttpRequest.newBuilder(URI.create(uri + "/fail")).build(),
        HttpResponse.BodyHandlers.ofString());

    awaitSpans(1);
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
    SpanData kept = spans.getFinishedSpanItems().get(0);
    assertThat(kept.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(kept.getSpanContext().isSampled()).isTrue();
  }

  @Test
  void keptErrorTracesIncludeTheirLocalChildSpans() {
    ServiceTracing t = tracing(0.0, true);
    Span root = t.tracer().spanBuilder("root").startSpan();
    try (Scope s = root.makeCurrent()) {
      t.tracer().spanBuilder("ok-child").startSpan().end();
      Span failing = t.tracer().spanBuilder("failing-child").startSpan();
      failing.setStatus(StatusCode.ERROR);
      failing.end();
    }
    root.end();
    Span lonely = t.tracer().spanBuilder("fine").startSpan();
    lonely.end();
    t.flush();

    assertThat(spans.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactly("ok-child", "failing-child", "root");
  }

  @Test
  void theSpanFollowsTasksAcrossThreadsWithItsMdcMirror() throws Exception {
    ServiceTracing t = tracing(1.0, false);
    ExecutorService wrapped = ContextPropagation.wrap(pool);
    Span span = t.tracer().spanBuilder("parent").startSpan();
    String seen;
    try (Scope s = span.makeCurrent();
        ContextScope c = RequestContext.of("req-hop").bind()) {
      seen =
          wrapped
              .submit(
                  () ->
                      Span.current().getSpanContext().getSpanId()
                          + " "
                          + MDC.get("span_id")
                          + " "
                          + MDC.get("request_id"))
              .get();
    } finally {
      span.end();
    }
    String spanId = span.getSpanContext().getSpanId();
    assertThat(seen).isEqualTo(spanId + " " + spanId + " req-hop");
    assertThat(pool.submit(() -> Span.current().getSpanContext().isValid()).get()).isFalse();
    assertThat(pool.submit(() -> MDC.get("trace_id")).get()).isNull();
  }
}
