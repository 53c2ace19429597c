package dev.reliability.tracing.logging;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.tracing.JsonLogs;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

class JsonLoggingTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";

  private static Span remoteSpan() {
    return Span.wrap(
        SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault()));
  }

  @Test
  void oneLineOfJsonPerEventWithTheDocumentedFields() throws Exception {
    List<JsonNode> lines;
    try (JsonLogs logs =
        new JsonLogs(
            Map.of("RELIABILITY_SERVICE_NAME", "orders", "RELIABILITY_ENVIRONMENT", "prod"))) {
      Logger log = logs.logger("com.example.Orders");
      try (Scope span = remoteSpan().makeCurrent();
          ContextScope scope = RequestContext.builder("req-json").userId("u-1").build().bind()) {
        log.info("order {} created", 42, kv("order_id", 42));
        log.atInfo().addKeyValue("channels", 3).log("campaign_created");
      }
      lines = logs.lines();
    }

    assertThat(lines).hasSize(2);
    JsonNode first = lines.get(0);
    assertThat(first.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z?.*");
    assertThat(first.get("level").asText()).isEqualTo("INFO");
    assertThat(first.get("logger").asText()).isEqualTo("com.example.Orders");
    assertThat(first.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(first.get("message").asText()).isEqualTo("order 42 created");
    assertThat(first.get("service").asText()).isEqualTo("orders");
    assertThat(first.get("environment").asText()).isEqualTo("prod");
    assertThat(first.get("request_id").asText()).isEqualTo("req-json");
    assertThat(first.get("user_id").asText()).isEqualTo("u-1");
    assertThat(first.get("trace_id").asText()).isEqualTo(TRACE_ID);
    assertThat(first.get("span_id").asText()).isEqualTo(SPAN_ID);
    assertThat(first.get("order_id").asInt()).isEqualTo(42);
    assertThat(first.has("@version")).isFalse();
    assertThat(first.has("level_value")).isFalse();
    assertThat(lines.get(1).get("channels").asInt()).isEqualTo(3);
    assertThat(lines.get(1).get("message").asText()).isEqualTo("campaign_created");
  }

  @Test
  void theLibrarysNumericMdcFieldsAreJsonNumbers() throws Exception {
    List<JsonNode> lines;
    try (JsonLogs logs = new JsonLogs(Map.of())) {
      Logger log = logs.logger("dev.reliability.tracing.access");
      MDC.put("status", "503");
      MDC.put("duration_ms", "12.5");
      MDC.put("error_code", "CIRCUIT_OPEN");
      MDC.put("request_id", "123");
      try {
        log.warn("GET /quotes 503 12.5ms");
      } finally {
        MDC.clear();
      }
      lines = logs.lines();
    }

    JsonNode line = lines.get(0);
    assertThat(line.get("status").isIntegralNumber()).isTrue();
    assertThat(line.get("status").asInt()).isEqualTo(503);
    assertThat(line.get("duration_ms").isDouble()).isTrue();
    assertThat(line.get("duration_ms").asDouble()).isEqualTo(12.5);
    assertThat(line.get("error_code").isTextual()).isTrue();
    assertThat(line.get("request_id").isTextual()).isTrue();
  }

  @Test
  void idsAreFixedWhenTheEventIsCreatedEvenBehindTheAsyncAppender() throws Exception {
    List<JsonNode> lines;
    try (JsonLogs logs = new JsonLogs(Map.of())) {
      Logger log = logs.logger("async");
      for (int i = 0; i < 200; i++) {
        try (Scope span = remoteSpan().makeCurrent();
            ContextScope scope = RequestContext.of("req-" + i).bind()) {
          log.info("event {}", i);
        }
      }
      log.info("outside");
      lines = logs.lines();
    }

    assertThat(lines).hasSize(201);
    for (int i = 0; i < 200; i++) {
      JsonNode line = lines.get(i);
      assertThat(line.get("message").asText()).isEqualTo("event " + i);
      assertThat(line.get("request_id").asText()).isEqualTo("req-" + i);
      assertThat(line.get("trace_id").asText()).isEqualTo(TRACE_ID);
      assertThat(line.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
    }
    assertThat(lines.get(200).has("request_id")).isFalse();
    assertThat(lines.get(200).has("trace_id")).isFalse();
  }

  @Test
  void secretsAndPersonalDataAreMaskedInMessagesArgumentsAndStackTraces() throws Exception {
    String text;
    List<JsonNode> lines;
    try (JsonLogs logs = new JsonLogs(Map.of())) {
      Logger log = logs.logger("masking");
      log.info(
          "login password=hunter2 for bob@example.com paying with 4111 1111 1111 1111",
          kv("api_key", "sk-live-123456"),
          kv("authorization", "Bearer abcdef123456"));
      log.error(
          "call failed",
          new IllegalStateException("connect postgres://admin:s3cr3t@db:5432 with token=tok-999"));
      text = logs.text();
      lines = new JsonLogs.Parsed(text).lines();
    }

    assertThat(text)
        .doesNotContain("hunter2")
        .doesNotContain("bob@example.com")
        .doesNotContain("4111 1111 1111 1111")
        .doesNotContain("sk-live-123456")
        .doesNotContain("abcdef123456")
        .doesNotContain("s3cr3t")
        .doesNotContain("tok-999");
    assertThat(lines.get(0).get("message").asText())
        .isEqualTo("login password=**** for **** paying with ****");
    assertThat(lines.get(0).get("api_key").asText()).isEqualTo("****");
    assertThat(lines.get(1).get("stack_trace").asText())
        .startsWith(
            "java.lang.IllegalStateException: connect postgres://****@db:5432 with token=****")
        .contains("at dev.reliability.tracing.logging.JsonLoggingTest");
  }

  @Test
  void aLogInjectionAttemptStaysOneJsonLine() throws Exception {
    String text;
    try (JsonLogs logs = new JsonLogs(Map.of())) {
      Logger log = logs.logger("injection");
      String hostile = "ok\n{\"level\":\"ERROR\",\"message\":\"forged\"}\r\nmore";
      try (ContextScope scope =
          RequestContext.builder("req-1").put("note", hostile).build().bind()) {
        log.warn("user said: {}", hostile);
      }
      text = logs.text();
    }

    List<JsonNode> lines = new JsonLogs.Parsed(text).lines();
    assertThat(text.strip().split("\n")).hasSize(1);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).get("level").asText()).isEqualTo("WARN");
    assertThat(lines.get(0).get("message").asText())
        .isEqualTo("user said: " + "ok\n{\"level\":\"ERROR\",\"message\":\"forged\"}\r\nmore");
    assertThat(lines.get(0).get("note").asText()).contains("forged");
  }

  @Test
  void fieldNamesAndMaskingAreConfigurable() throws Exception {
    List<JsonNode> lines;
    try (JsonLogs logs =
        new JsonLogs(
            Map.of(
                "RELIABILITY_LOG_FIELD_LEVEL", "severity",
                "RELIABILITY_LOG_FIELD_TIMESTAMP", "time",
                "RELIABILITY_LOG_FIELD_REQUEST_ID", "requestId",
                "RELIABILITY_LOG_MASK_EMAILS", "false",
                "RELIABILITY_LOG_MASK_WORDS", "pin, ssn"))) {
      Logger log = logs.logger("names");
      try (ContextScope scope = RequestContext.of("req-n").bind()) {
        log.info("mail bob@example.com", kv("pin", "1234"), kv("card_pin_hint", "x"));
      }
      lines = logs.lines();
    }

    JsonNode line = lines.get(0);
    assertThat(line.get("severity").asText()).isEqualTo("INFO");
    assertThat(line.has("time")).isTrue();
    assertThat(line.has("level")).isFalse();
    assertThat(line.get("requestId").asText()).isEqualTo("req-n");
    assertThat(line.get("message").asText()).isEqualTo("mail bob@example.com");
    assertThat(line.get("pin").asText()).isEqualTo("****");
    assertThat(line.get("card_pin_hint").asText()).isEqualTo("****");
  }

  @Test
  void maskingCanBeTurnedOff() throws Exception {
    List<JsonNode> lines;
    try (JsonLogs logs = new JsonLogs(Map.of("RELIABILITY_LOG_MASKING", "false"))) {
      logs.logger("off").info("password=hunter2");
      lines = logs.lines();
    }
    assertThat(lines.get(0).get("message").asText()).isEqualTo("password=hunter2");
  }
}
