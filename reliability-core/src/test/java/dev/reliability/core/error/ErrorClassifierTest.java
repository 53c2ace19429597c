package dev.reliability.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ErrorClassifierTest {

  private final ErrorClassifier classifier = ErrorClassifier.defaults();

  static Stream<Arguments> jdkExceptions() {
    return Stream.of(
        Arguments.of(
            new SocketTimeoutException("Read timed out"),
            StandardErrorCode.SERVICE_TIMEOUT,
            504,
            true),
        Arguments.of(
            new HttpTimeoutException("request timed out"),
            StandardErrorCode.SERVICE_TIMEOUT,
            504,
            true),
        Arguments.of(new TimeoutException(), StandardErrorCode.SERVICE_TIMEOUT, 504, true),
        Arguments.of(
            new HttpConnectTimeoutException("connect timed out"),
            StandardErrorCode.SERVICE_UNAVAILABLE,
            503,
            true),
        Arguments.of(
            new ConnectException("Connection refused"),
            StandardErrorCode.SERVICE_UNAVAILABLE,
            503,
            true),
        Arguments.of(
            new UnknownHostException("backend"), StandardErrorCode.SERVICE_UNAVAILABLE, 503, true),
        Arguments.of(
            new SocketException("Connection reset"),
            StandardErrorCode.SERVICE_COMMUNICATION_ERROR,
            502,
            true),
        Arguments.of(
            new IOException("broken pipe"),
            StandardErrorCode.SERVICE_COMMUNICATION_ERROR,
            502,
            true),
        Arguments.of(
            new SQLTransientConnectionException("gone"),
            StandardErrorCode.DATABASE_ERROR,
            503,
            true),
        Arguments.of(
            new SQLException("syntax error"), StandardErrorCode.DATABASE_ERROR, 500, false),
        Arguments.of(
            new RejectedExecutionException("queue full"),
            StandardErrorCode.CAPACITY_EXCEEDED,
            503,
            true),
        Arguments.of(
            new IllegalStateException("bug"), StandardErrorCode.INTERNAL_ERROR, 500, false),
        Arguments.of(new NullPointerException(), StandardErrorCode.INTERNAL_ERROR, 500, false),
        Arguments.of(new OutOfMemoryError(), StandardErrorCode.INTERNAL_ERROR, 500, false));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("jdkExceptions")
  void classifiesJdkExceptions(Throwable t, ErrorCode code, int status, boolean retryable) {
    ErrorClassification c = classifier.classify(t);

    assertThat(c.errorCode()).isEqualTo(code);
    assertThat(c.httpStatus()).isEqualTo(status);
    assertThat(c.retryable()).isEqualTo(retryable);
    assertThat(classifier.isRetryable(t)).isEqualTo(retryable);
  }

  @Test
  void unwrapsWrappersToTheRealCause() {
    Throwable cause = new ConnectException("refused");

    for (Throwable wrapped :
        new Throwable[] {
          new CompletionException(cause),
          new ExecutionException(cause),
          new InvocationTargetException(cause),
          new UncheckedIOException(new ConnectException("refused")),
          new CompletionException(new ExecutionException(cause))
        }) {
      assertThat(classifier.classify(wrapped).errorCode())
          .isEqualTo(StandardErrorCode.SERVICE_UNAVAILABLE);
    }
    assertThat(ErrorClassifier.unwrap(new CompletionException(null)))
        .isInstanceOf(CompletionException.class);
    assertThat(classifier.classify(null).errorCode()).isEqualTo(StandardErrorCode.INTERNAL_ERROR);
  }

  @Test
  void ourExceptionsClassifyThemselvesIncludingRetryAfter() {
    ErrorClassification c =
        classifier.classify(
            new CompletionException(
                new CircuitOpenException("backend", "OPEN", Duration.ofSeconds(5))));

    assertThat(c.errorCode()).isEqualTo(StandardErrorCode.CIRCUIT_OPEN);
    assertThat(c.retryAfterHint()).contains(Duration.ofSeconds(5));
    assertThat(classifier.isRetryable(new DataValidationException("bad"))).isFalse();
    assertThat(classifier.isRetryable(new AuthenticationException("who?"))).isFalse();
  }

  @Test
  void resilience4jRejectionsMapToOurCodes() {
    CallNotPermittedException open =
        CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("x"));
    RequestNotPermitted limited =
        RequestNotPermitted.createRequestNotPermitted(RateLimiter.ofDefaults("x"));

    assertThat(classifier.classify(open).errorCode()).isEqualTo(StandardErrorCode.CIRCUIT_OPEN);
    assertThat(classifier.classify(limited).errorCode())
        .isEqualTo(StandardErrorCode.RATE_LIMIT_EXCEEDED);
    assertThat(
            classifier
                .classify(
                    io.github.resilience4j.bulkhead.BulkheadFullException
                        .createBulkheadFullException(
                            io.github.resilience4j.bulkhead.Bulkhead.ofDefaults("x")))
                .errorCode())
        .isEqualTo(StandardErrorCode.BULKHEAD_FULL);
  }

  static final class QuotaExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  static final class UpstreamHttpException extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    UpstreamHttpException(int status) {
      this.status = status;
    }
  }

  @Test
  void userMappingsWinAndTheMostSpecificTypeIsUsed() {
    ErrorClassifier custom =
        ErrorClassifier.builder()
            .map(QuotaExceededException.class, StandardErrorCode.RATE_LIMIT_EXCEEDED)
            .map(IOException.class, StandardErrorCode.BAD_RESPONSE)
            .map(
                UpstreamHttpException.class,
                e ->
                    new ErrorClassification(
                        StandardErrorCode.BAD_RESPONSE, e.status >= 500, 502, null))
            .build();

    assertThat(custom.classify(new QuotaExceededException()).httpStatus()).isEqualTo(429);
    assertThat(custom.classify(new UpstreamHttpException(503)).retryable()).isTrue();
    assertThat(custom.classify(new UpstreamHttpException(404)).retryable()).isFalse();
    // A user mapping for IOException covers SocketTimeoutException too.
    assertThat(custom.classify(new SocketTimeoutException()).errorCode())
        .isEqualTo(StandardErrorCode.BAD_RESPONSE);
    // Built-ins still apply to what users did not map.
    assertThat(custom.classify(new TimeoutException()).errorCode())
        .isEqualTo(StandardErrorCode.SERVICE_TIMEOUT);
  }

  @Test
  void aMappingReturningNullMeansInternalError() {
    ErrorClassifier custom =
        ErrorClassifier.builder().map(QuotaExceededException.class, e -> null).build();

    assertThat(custom.classify(new QuotaExceededException()).errorCode())
        .isEqualTo(StandardErrorCode.INTERNAL_ERROR);
  }
}
