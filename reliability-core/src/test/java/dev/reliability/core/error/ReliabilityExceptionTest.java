package dev.reliability.core.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReliabilityExceptionTest {

  static Stream<Arguments> families() {
    return Stream.of(
        Arguments.of(
            new ServiceCommunicationException("backend", "connection reset", null),
            "SERVICE_COMMUNICATION_ERROR",
            502,
            true),
        Arguments.of(
            new ServiceTimeoutException("backend", Duration.ofSeconds(2)),
            "SERVICE_TIMEOUT",
            504,
            true),
        Arguments.of(
            new ServiceUnavailableException("backend", "refused"),
            "SERVICE_UNAVAILABLE",
            503,
            true),
        Arguments.of(
            new BadResponseException("backend", 404, "no such quote"), "BAD_RESPONSE", 502, false),
        Arguments.of(
            new BadResponseException("backend", 503, "overloaded"), "BAD_RESPONSE", 502, true),
        Arguments.of(
            new DataValidationException("quantity must be at least 1"),
            "DATA_VALIDATION_ERROR",
            400,
            false),
        Arguments.of(new DatabaseException("insert failed", null), "DATABASE_ERROR", 500, false),
        Arguments.of(
            new DatabaseException("deadlock victim", null, true), "DATABASE_ERROR", 503, true),
        Arguments.of(
            new ResourceExhaustedException("pool", "no connections"),
            "RESOURCE_EXHAUSTED",
            503,
            true),
        Arguments.of(
            new RateLimitExceededException("openai", Duration.ofSeconds(1)),
            "RATE_LIMIT_EXCEEDED",
            429,
            true),
        Arguments.of(
            new CapacityExceededException("ws", 1000, "full", null),
            "CAPACITY_EXCEEDED",
            503,
            true),
        Arguments.of(
            new CircuitOpenException("backend", "OPEN", Duration.ofSeconds(30)),
            "CIRCUIT_OPEN",
            503,
            true),
        Arguments.of(new BulkheadFullException("backend", 10), "BULKHEAD_FULL", 503, true),
        Arguments.of(
            new AuthenticationException("A valid API key is required"),
            "AUTHENTICATION_FAILED",
            401,
            false),
        Arguments.of(new AuthorizationException("Admins only"), "AUTHORIZATION_FAILED", 403, false),
        Arguments.of(
            new dev.reliability.core.config.ConfigurationException("missing exporter"),
            "CONFIGURATION_ERROR",
            500,
            false));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("families")
  void everyFamilyHasACodeAStatusAndARetryClassification(
      ReliabilityException e, String code, int status, boolean retryable) {
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.errorCode().code()).isEqualTo(code);
    assertThat(e.httpStatus()).isEqualTo(status);
    assertThat(e.isRetryable()).isEqualTo(retryable);
    assertThat(e).isInstanceOf(RuntimeException.class);
    assertThat(e.toString()).contains("[" + code + "]");
  }

  @Test
  void dependencyFailuresNameTheService() {
    ServiceTimeoutException e = new ServiceTimeoutException("backend", Duration.ofMillis(2500));

    assertThat(e.service()).isEqualTo("backend");
    assertThat(e.timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(e).hasMessage("Call to backend timed out after 2500 ms");
    assertThat(e.details())
        .containsExactly(Map.entry("service", "backend"), Map.entry("timeout_ms", 2500L));
  }

  @Test
  void rejectionsNameTheComponentStateAndRetryAfterAndSkipTheStackTrace() {
    CircuitOpenException e = new CircuitOpenException("payments", "OPEN", Duration.ofMillis(1500));

    assertThat(e.component()).isEqualTo("payments");
    assertThat(e.state()).isEqualTo("OPEN");
    assertThat(e.retryAfter()).contains(Duration.ofMillis(1500));
    assertThat(e).hasMessage("Circuit breaker 'payments' is OPEN and does not permit calls");
    assertThat(e.details())
        .containsExactly(
            Map.entry("component", "payments"),
            Map.entry("state", "OPEN"),
            Map.entry("retry_after_ms", 1500L));
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(new BulkheadFullException("payments", 10).getStackTrace()).isEmpty();
    assertThat(new RateLimitExceededException("payments", null).retryAfter()).isEmpty();
  }

  @Test
  void hotPathCircuitOpenExceptionReadsLikeTheEagerOneRedactionIncluded() {
    String component = "token=s3cr3t-value";
    CircuitOpenException eager =
        new CircuitOpenException(component, "OPEN", Duration.ofNanos(1_500_000_001L));
    CircuitOpenException lazy = new CircuitOpenException(component, "OPEN", 1_500_000_001L);

    assertThat(lazy.retryAfter()).contains(Duration.ofNanos(1_500_000_001L));
    assertThat(lazy).hasMessage(eager.getMessage()).hasToString(eager.toString());
    assertThat(lazy.details()).containsExactlyEntriesOf(eager.details());
    assertThat(lazy.details().get("component")).isNotEqualTo(component);
    assertThat(lazy.details().get("retry_after_ms")).isEqualTo(1500L);
    assertThat(lazy.getStackTrace()).isEmpty();
    assertThat(new CircuitOpenException("payments", "FORCED_OPEN", -1).retryAfter()).isEmpty();
    assertThat(new CircuitOpenException("payments", "FORCED_OPEN", -1).details())
        .containsExactly(Map.entry("component", "payments"), Map.entry("state", "FORCED_OPEN"));
    assertThatThrownBy(() -> new CircuitOpenException("payments", "OPEN", -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retryAfterNanos must be -1 or more, was -2");
    assertThatThrownBy(() -> new CircuitOpenException(" ", "OPEN", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hotPathRateLimitAndBulkheadRejectionsReadLikeTheEagerOnes() {
    RateLimitExceededException rateEager =
        new RateLimitExceededException("openai", Duration.ofNanos(2_500_000_123L));
    RateLimitExceededException rateLazy = new RateLimitExceededException("openai", 2_500_000_123L);
    BulkheadFullException fullEager =
        new BulkheadFullException("reports", 10, Duration.ofSeconds(1));
    BulkheadFullException fullLazy = new BulkheadFullException("reports", 10, 1_000_000_000L);

    assertThat(rateLazy).hasMessage(rateEager.getMessage()).hasToString(rateEager.toString());
    assertThat(rateLazy.details()).containsExactlyEntriesOf(rateEager.details());
    assertThat(rateLazy.retryAfter()).contains(Duration.ofNanos(2_500_000_123L));
    assertThat(rateLazy.httpStatus()).isEqualTo(429);
    assertThat(fullLazy).hasMessage("Bulkhead 'reports' is full (10 concurrent calls)");
    assertThat(fullLazy.details())
        .containsExactly(
            Map.entry("component", "reports"),
            Map.entry("max_concurrent_calls", 10),
            Map.entry("retry_after_ms", 1000L))
        .containsExactlyEntriesOf(fullEager.details());
    assertThat(fullLazy.maxConcurrentCalls()).isEqualTo(10);
    assertThat(new BulkheadFullException("reports", 10, -1).details())
        .containsExactlyEntriesOf(new BulkheadFullException("reports", 10).details());
    assertThat(fullLazy.getStackTrace()).isEmpty();
    assertThat(rateLazy.getStackTrace()).isEmpty();
  }

  @Test
  void detailsAreImmutableCopiesWithSecretsMasked() {
    Map<String, Object> details = new HashMap<>();
    details.put("model", "gpt");
    details.put("api_key", "sk-live-123456");
    details.put("url", "postgres://admin:hunter2@db:5432/app");
    ReliabilityException e =
        new ReliabilityException(
            ErrorCode.of("MODEL_NOT_LOADED", 503, true, "The model is loading"),
            "not loaded",
            details,
            null);
    details.put("model", "changed");

    assertThat(e.details()).containsEntry("model", "gpt").containsEntry("api_key", "****");
    assertThat(e.details().get("url")).isEqualTo("postgres://****@db:5432/app");
    assertThatThrownBy(() -> e.details().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void domainTeamsExtendTheHierarchy() {
    ModelNotLoadedException e = new ModelNotLoadedException("llama");

    assertThat(e.code()).isEqualTo("MODEL_NOT_LOADED");
    assertThat(e.httpStatus()).isEqualTo(503);
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.details()).containsEntry("model", "llama");
  }

  @Test
  void validationCarriesFieldErrors() {
    DataValidationException e =
        new DataValidationException(
            "The order is invalid", Map.of("quantity", "must be at least 1"));

    assertThat(e.fieldErrors()).containsExactly(Map.entry("quantity", "must be at least 1"));
    assertThat(e.details()).containsEntry("fields", Map.of("quantity", "must be at least 1"));
  }

  @Test
  void errorCodesAreValidated() {
    assertThatThrownBy(() -> ErrorCode.of("model-not-loaded", 503, true, "x"))
        .hasMessage(
            "code must be upper-case letters, digits and underscores (2 to 64 characters, starting with a letter), was \"model-not-loaded\"");
    assertThatThrownBy(() -> ErrorCode.of("OK_CODE", 200, false, "x"))
        .hasMessage("httpStatus must be between 400 and 599, was 200");
    assertThat(ErrorCode.of("OK_CODE", 418, false, "Teapot"))
        .isEqualTo(ErrorCode.of("OK_CODE", 418, false, "Teapot"));
    assertThat(ErrorCode.of("OK_CODE", 418, false, "Teapot")).hasToString("OK_CODE");
  }

  @Test
  void negativeRetryAfterIsRejected() {
    assertThatThrownBy(
            () -> new ServiceUnavailableException("backend", "down", null, Duration.ofSeconds(-1)))
        .hasMessage("retryAfter must be zero or longer, was -1s");
  }

  /** The docs' domain example: an AI service's own exception. */
  static final class ModelNotLoadedException extends ReliabilityException {
    static final ErrorCode CODE =
        ErrorCode.of("MODEL_NOT_LOADED", 503, true, "The model is loading");

    ModelNotLoadedException(String model) {
      super(CODE, "Model " + model + " is not loaded", Map.of("model", model), null);
    }
  }
}
