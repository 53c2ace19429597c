package dev.reliability.core.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.core.error.ErrorCode;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.error.ReliabilityException;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.error.StandardErrorCode;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ProblemDetailFactoryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "hunter2-s3cr3t";

  @Test
  void serverErrorsShowTheTitleNotTheInternalMessage() throws Exception {
    ProblemDetail p =
        ProblemDetailFactory.ofDefaults()
            .create(
                new ServiceTimeoutException("backend", Duration.ofSeconds(2)),
                "req-1",
                "/api/quote");

    JsonNode body = JSON.readTree(p.toJson());
    assertThat(body.get("type").asText()).isEqualTo("about:blank");
    assertThat(body.get("title").asText())
        .isEqualTo("A downstream service did not respond in time");
    assertThat(body.get("status").asInt()).isEqualTo(504);
    assertThat(body.get("detail").asText())
        .isEqualTo("A downstream service did not respond in time");
    assertThat(body.get("instance").asText()).isEqualTo("/api/quote");
    assertThat(body.get("error_code").asText()).isEqualTo("SERVICE_TIMEOUT");
    assertThat(body.get("request_id").asText()).isEqualTo("req-1");
    assertThat(body.get("retryable").asBoolean()).isTrue();
    assertThat(body.get("details").get("service").asText()).isEqualTo("backend");
    assertThat(body.get("details").get("timeout_ms").asLong()).isEqualTo(2000);
    assertThat(body.has("debug")).isFalse();
    assertThat(ProblemDetail.MEDIA_TYPE).isEqualTo("application/problem+json");
  }

  @Test
  void clientErrorsShowTheirMessage() {
    ProblemDetail p =
        ProblemDetailFactory.ofDefaults()
            .create(
                new DataValidationException(
                    "quantity must be at least 1", Map.of("quantity", "must be at least 1")),
                "r",
                null);

    assertThat(p.status()).isEqualTo(400);
    assertThat(p.detail()).isEqualTo("quantity must be at least 1");
    assertThat(p.instance()).isEmpty();
    assertThat(p.toMap())
        .containsEntry("details", Map.of("fields", Map.of("quantity", "must be at least 1")));
  }

  @Test
  void unknownExceptionsAreInternalErrorsWithoutTheirMessage() {
    ProblemDetail p =
        ProblemDetailFactory.ofDefaults()
            .create(
                new IllegalStateException("user table corrupt at row 17, password=" + SECRET),
                "r",
                "/x");

    assertThat(p.status()).isEqualTo(500);
    assertThat(p.errorCode()).isEqualTo("INTERNAL_ERROR");
    assertThat(p.detail()).isEqualTo("An unexpected error occurred");
    assertThat(p.toJson()).doesNotContain("corrupt").doesNotContain(SECRET);
  }

  @Test
  void aSecretBearingExceptionNeverLeaksEvenInDevelopmentMode() {
    RuntimeException cause =
        new RuntimeException("jdbc:postgresql://app:" + SECRET + "@db/app failed, token=" + SECRET);
    ReliabilityException e =
        new ReliabilityException(
            StandardErrorCode.DATABASE_ERROR,
            "query failed with password=" + SECRET,
            Map.of(
                "password",
                SECRET,
                "connection",
                "postgres://app:" + SECRET + "@db/app",
                "nested",
                Map.of("apiKey", SECRET)),
            cause);

    for (boolean dev : new boolean[] {false, true}) {
      ProblemDetail p =
          ProblemDetailFactory.builder()
              .developmentMode(dev)
              .build()
              .create(e, "r", "/orders?token=" + SECRET);
      assertThat(p.toJson()).doesNotContain(SECRET);
      assertThat(p.toString()).doesNotContain(SECRET);
    }
  }

  @Test
  void developmentModeAddsMessageExceptionCausesAndStackTrace() throws Exception {
    ProblemDetail p =
        ProblemDetailFactory.builder()
            .developmentMode(true)
            .build()
            .create(
                new CompletionException(
                    new IllegalStateException("boom", new SocketTimeoutException("slow"))),
                "r",
                null);

    JsonNode body = JSON.readTree(p.toJson());
    assertThat(body.get("detail").asText()).isEqualTo("boom");
    assertThat(body.get("debug").get("exception").asText())
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(body.get("debug").get("causes").get(0).asText())
        .isEqualTo("java.net.SocketTimeoutException: slow");
    assertThat(body.get("debug").get("stack_trace").size()).isPositive();
    assertThat(body.get("debug").get("stack_trace").get(0).asText())
        .contains("ProblemDetailFactoryTest");
  }

  @Test
  void retryAfterBecomesWholeSecondsRoundedUp() throws Exception {
    ProblemDetail p =
        ProblemDetailFactory.ofDefaults()
            .create(new RateLimitExceededException("api", Duration.ofMillis(1200)), null, null);

    assertThat(p.status()).isEqualTo(429);
    assertThat(p.retryAfterHeader()).contains("2");
    assertThat(JSON.readTree(p.toJson()).get("retry_after_seconds").asLong()).isEqualTo(2);
    assertThat(p.requestId()).isEmpty();
    assertThat(JSON.readTree(p.toJson()).has("request_id")).isFalse();
    assertThat(
            ProblemDetailFactory.ofDefaults()
                .create(new RateLimitExceededException("api", Duration.ZERO), null, null)
                .retryAfterHeader())
        .contains("1");
  }

  @Test
  void typeBaseMakesOneUriPerCode() {
    ProblemDetail p =
        ProblemDetailFactory.builder()
            .typeBase("https://errors.example.com/")
            .build()
            .create(new CircuitOpenException("backend", "OPEN", null), "r", null);

    assertThat(p.type()).isEqualTo("https://errors.example.com/circuit-open");
    assertThatThrownBy(() -> ProblemDetailFactory.builder().typeBase("errors"))
        .hasMessage("typeBase must be an absolute URI ending in '/' or ':', was \"errors\"");
  }

  @Test
  void problemsWithoutAnException() {
    ProblemDetail p =
        ProblemDetailFactory.ofDefaults()
            .create(
                StandardErrorCode.DATA_VALIDATION_ERROR,
                "failureRate must be between 0.0 and 1.0, was 7",
                "r",
                "/admin/chaos",
                Map.of("parameter", "failureRate"));

    assertThat(p.status()).isEqualTo(400);
    assertThat(p.detail()).isEqualTo("failureRate must be between 0.0 and 1.0, was 7");
    assertThat(p.details()).containsEntry("parameter", "failureRate");
  }

  @Test
  void developmentModeComesFromConfiguration() {
    ConfigSource env =
        ConfigSource.environment(Map.of("RELIABILITY_ERRORS_DEVELOPMENT_MODE", "true"));

    assertThat(ProblemDetailFactory.builder().configSource(env).build().developmentMode()).isTrue();
    assertThat(
            ProblemDetailFactory.builder()
                .configSource(ConfigSource.empty())
                .build()
                .developmentMode())
        .isFalse();
    assertThatThrownBy(
            () ->
                ProblemDetailFactory.builder()
                    .configSource(
                        ConfigSource.environment(
                            Map.of("RELIABILITY_ERRORS_DEVELOPMENT_MODE", "maybe")))
                    .build())
        .hasMessageContaining(
            "reliability.errors.development-mode must be true or false (also yes/no, on/off, 1/0), was \"maybe\"");
  }

  @Test
  void injectionAttemptsStayInsideOneJsonString() throws Exception {
    String hostile = "bad\"},\"status\":200,\"x\":\"\r\n\u0000\u2028";
    ProblemDetail p =
        ProblemDetailFactory.ofDefaults()
            .create(new DataValidationException(hostile), hostile, hostile);

    String json = p.toJson();
    assertThat(json).doesNotContain("\n").doesNotContain("\r");
    JsonNode body = JSON.readTree(json);
    assertThat(body.get("status").asInt()).isEqualTo(400);
    assertThat(body.get("detail").asText()).isEqualTo(hostile);
    assertThat(body.get("request_id").asText()).isEqualTo(hostile);
  }

  @Test
  void aHostilePathOrMessageIsCutToABoundedLength() {
    String path = "/" + "tokentoken".repeat(6_400) + ":";
    ErrorCode notFound = ErrorCode.of("NOT_FOUND", 404, false, "No resource");

    ProblemDetail p =
        ProblemDetailFactory.ofDefaults().create(notFound, "x".repeat(5_000), "r", path, Map.of());

    assertThat(p.instance())
        .hasValueSatisfying(i -> assertThat(i).hasSize(256 + 3).endsWith("..."));
    assertThat(p.detail()).hasSize(ProblemDetailFactory.MAX_DETAIL_LENGTH + 3);
    assertThat(ProblemDetailFactory.MAX_INSTANCE_LENGTH).isEqualTo(256);
  }
}
