package dev.reliability.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.error.ErrorClassification;
import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.error.ErrorCode;
import dev.reliability.core.error.ReliabilityException;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.error.StandardErrorCode;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.core.problem.ProblemDetailFactory;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The code shown in docs/errors.md and the README; the docs check asserts the text matches. */
class ErrorsGuideTest {

  // docs/errors.md: a domain family, after seed 000's AI errors
  public static class AiGenerationException extends ReliabilityException {
    static final ErrorCode AI_GENERATION_FAILED =
        ErrorCode.of("AI_GENERATION_FAILED", 502, true, "The model could not generate a response");

    public AiGenerationException(String message, Throwable cause) {
      super(AI_GENERATION_FAILED, message, Map.of(), cause);
    }

    protected AiGenerationException(ErrorCode code, String message, Map<String, ?> details) {
      super(code, message, details, null);
    }
  }

  public static class ModelNotLoadedException extends AiGenerationException {
    static final ErrorCode MODEL_NOT_LOADED =
        ErrorCode.of("MODEL_NOT_LOADED", 503, true, "The model is still loading");

    public ModelNotLoadedException(String model) {
      super(MODEL_NOT_LOADED, "Model " + model + " is not loaded", Map.of("model", model));
    }
  }

  public static class InvalidPromptException extends AiGenerationException {
    static final ErrorCode INVALID_PROMPT =
        ErrorCode.of("INVALID_PROMPT", 400, false, "The prompt is invalid");

    public InvalidPromptException(String reason) {
      super(INVALID_PROMPT, reason, Map.of());
    }
  }

  static class QuotaExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void domainFamily() {
    assertThat(new ModelNotLoadedException("llama-3").isRetryable()).isTrue();
    assertThat(new InvalidPromptException("The prompt is empty").httpStatus()).isEqualTo(400);
    assertThat(new AiGenerationException("boom", null).code()).isEqualTo("AI_GENERATION_FAILED");
  }

  @Test
  void classification() {
    ErrorClassifier classifier = ErrorClassifier.defaults();
    ErrorClassification c = classifier.classify(new SocketTimeoutException("read timed out"));
    // c.errorCode() == SERVICE_TIMEOUT, c.retryable() == true, c.httpStatus() == 504
    assertThat(c.errorCode()).isEqualTo(StandardErrorCode.SERVICE_TIMEOUT);
    assertThat(c.retryable()).isTrue();
    assertThat(c.httpStatus()).isEqualTo(504);
  }

  @Test
  void customMappings() {
    ErrorClassifier classifier =
        ErrorClassifier.builder()
            .map(QuotaExceededException.class, StandardErrorCode.RATE_LIMIT_EXCEEDED)
            .build();
    assertThat(classifier.classify(new QuotaExceededException()).httpStatus()).isEqualTo(429);
  }

  @Test
  void problemDetails() {
    Throwable failure = new ServiceTimeoutException("backend", Duration.ofSeconds(2));
    String requestId = "7Kq2xWm9RtYb3NvA";

    // Safe error responses: RFC 9457 problem details with the request ID and no secrets.
    ProblemDetail problem =
        ProblemDetailFactory.ofDefaults().create(failure, requestId, "/api/quote");
    String body = problem.toJson(); // application/problem+json

    assertThat(body).contains("\"error_code\":\"SERVICE_TIMEOUT\"").contains(requestId);
  }

  @Test
  void developmentMode() {
    ProblemDetailFactory problems =
        ProblemDetailFactory.builder()
            .developmentMode(false) // never true in production
            .typeBase("https://errors.example.com/")
            .build();
    assertThat(problems.create(new InvalidPromptException("empty"), null).type())
        .isEqualTo("https://errors.example.com/invalid-prompt");
  }
}
