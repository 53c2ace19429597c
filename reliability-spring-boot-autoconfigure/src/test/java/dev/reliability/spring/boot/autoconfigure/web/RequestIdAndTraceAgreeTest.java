package dev.reliability.spring.boot.autoconfigure.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.context.RequestContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * With Spring Boot's Micrometer Tracing on the OpenTelemetry bridge, one request has one request ID
 * and one trace: the handler's log line carries the server span's trace ID (as Boot's {@code
 * traceId} and the library's {@code trace_id}), the server span carries the request ID as {@code
 * request.id}, and there is no second server span from the library.
 */
@SpringBootTest(
    classes = RequestIdAndTraceAgreeTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.tracing.sampling.probability=1.0")
class RequestIdAndTraceAgreeTest {

  static final String HANDLER_LOGGER = "test.traced.handler";
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(Api.class)
  static class App {
    // A processor of our own: Boot's exporters are off in tests, its processors list is not.
    @Bean
    SpanProcessor inMemorySpans() {
      return SimpleSpanProcessor.create(SPANS);
    }
  }

  @RestController
  static class Api {
    private static final Logger log = LoggerFactory.getLogger(HANDLER_LOGGER);

    @GetMapping("/traced")
    String traced() {
      log.info("handling traced");
      return RequestContext.currentRequestId();
    }
  }

  static MdcRecorder handlerLog;

  @BeforeEach
  void recordLogs() {
    if (handlerLog == null) {
      handlerLog = MdcRecorder.attachTo(HANDLER_LOGGER);
    }
  }

  @AfterAll
  static void stopRecording() {
    if (handlerLog != null) {
      handlerLog.stop();
      handlerLog = null;
    }
  }

  @LocalServerPort int port;

  @Test
  void theLogLineTheServerSpanAndTheRequestIdAgree() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/traced"))
                    .header("X-Request-ID", "traced-1")
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("traced-1");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                SPANS.getFinishedSpanItems().stream()
                    .anyMatch(s -> s.getKind() == SpanKind.SERVER));
    List<SpanData> serverSpans =
        SPANS.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.SERVER).toList();
    assertThat(serverSpans).as("one server span: Spring's, none of the library's own").hasSize(1);
    SpanData server = serverSpans.get(0);
    assertThat(server.getAttributes().get(AttributeKey.stringKey("request.id")))
        .isEqualTo("traced-1");
    MdcRecorder.Line line = handlerLog.linesContaining("handling traced").get(0);
    assertThat(line.mdc())
        .containsEntry("request_id", "traced-1")
        .containsEntry("trace_id", server.getTraceId())
        .containsEntry("traceId", server.getTraceId());
  }
}
