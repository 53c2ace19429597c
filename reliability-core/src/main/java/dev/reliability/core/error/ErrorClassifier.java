package dev.reliability.core.error;

import dev.reliability.core.internal.Checks;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Maps any {@link Throwable} to an error code, a retry classification and an HTTP status.
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>Wrappers are unwrapped first: {@link CompletionException}, {@link ExecutionException},
 *       {@link InvocationTargetException}, {@link UndeclaredThrowableException} and {@link
 *       UncheckedIOException} are classified by their cause.
 *   <li>A {@link ReliabilityException} classifies itself.
 *   <li>The user's mappings, most specific registered type first (a mapping for {@code IOException}
 *       also covers its subclasses unless a subclass has its own).
 *   <li>The built-in mappings: timeouts ({@link SocketTimeoutException}, {@link
 *       HttpTimeoutException}, {@link TimeoutException}, {@link InterruptedIOException}) are {@code
 *       SERVICE_TIMEOUT}; refused or unreachable connections ({@link ConnectException}, {@link
 *       HttpConnectTimeoutException}, {@link NoRouteToHostException}, {@link UnknownHostException},
 *       {@link PortUnreachableException}) are {@code SERVICE_UNAVAILABLE}; other {@link
 *       IOException}s are {@code SERVICE_COMMUNICATION_ERROR}; {@link SQLTransientException} and
 *       {@link SQLRecoverableException} are retryable {@code DATABASE_ERROR}, other {@link
 *       SQLException}s are not; {@link RejectedExecutionException} is {@code CAPACITY_EXCEEDED};
 *       Resilience4j's {@code CallNotPermittedException}, {@code BulkheadFullException} and {@code
 *       RequestNotPermitted} are {@code CIRCUIT_OPEN}, {@code BULKHEAD_FULL} and {@code
 *       RATE_LIMIT_EXCEEDED}.
 *   <li>Anything else is {@code INTERNAL_ERROR}: 500 and not retryable, because an unknown failure
 *       is more likely a bug than a blip.
 * </ol>
 *
 * <pre>{@code
 * ErrorClassifier classifier = ErrorClassifier.builder()
 *     .map(QuotaExceededException.class, StandardErrorCode.RATE_LIMIT_EXCEEDED)
 *     .build();
 * boolean retry = classifier.classify(e).retryable();
 * }</pre>
 *
 * <p>Immutable and thread-safe. Lookups by exception class are cached.
 */
public final class ErrorClassifier {

  private static final ErrorClassifier DEFAULTS = builder().build();

  private final List<Mapping<?>> userMappings;
  private final ClassValue<Mapping<?>> cache =
      new ClassValue<>() {
        @Override
        protected Mapping<?> computeValue(Class<?> type) {
          return find(type);
        }
      };

  private ErrorClassifier(List<Mapping<?>> userMappings) {
    this.userMappings = List.copyOf(userMappings);
  }

  /**
   * Returns the classifier with only the built-in mappings.
   *
   * @return the shared default classifier
   */
  public static ErrorClassifier defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder for a classifier with the user's mappings on top of the built-in ones.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Classifies a throwable.
   *
   * @param failure the throwable; null is classified as {@code INTERNAL_ERROR}
   * @return the classification, never null
   */
  public ErrorClassification classify(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t == null) {
      return ErrorClassification.of(StandardErrorCode.INTERNAL_ERROR);
    }
    if (t instanceof ReliabilityException r) {
      return new ErrorClassification(
          r.errorCode(), r.isRetryable(), r.httpStatus(), r.retryAfter().orElse(null));
    }
    return apply(cache.get(t.getClass()), t);
  }

  /**
   * Returns whether a retry of the failed call may succeed.
   *
   * @param failure the throwable
   * @return the classification's {@code retryable}
   */
  public boolean isRetryable(Throwable failure) {
    return classify(failure).retryable();
  }

  /**
   * Returns the throwable that classification looks at: the first cause that is not a known
   * wrapper.
   *
   * @param failure the throwable, or null
   * @return the unwrapped throwable, or null
   */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 16; depth++) {
      boolean wrapper =
          t instanceof CompletionException
              || t instanceof ExecutionException
              || t instanceof InvocationTargetException
              || t instanceof UndeclaredThrowableException
              || t instanceof UncheckedIOException;
      if (!wrapper || t.getCause() == null) {
        return t;
      }
      t = t.getCause();
    }
    return t;
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> ErrorClassification apply(Mapping<T> mapping, Throwable t) {
    if (mapping == null) {
      return ErrorClassification.of(StandardErrorCode.INTERNAL_ERROR);
    }
    ErrorClassification c = mapping.function.apply((T) t);
    return c == null ? ErrorClassification.of(StandardErrorCode.INTERNAL_ERROR) : c;
  }

  private Mapping<?> find(Class<?> type) {
    Mapping<?> best = mostSpecific(userMappings, type);
    return best != null ? best : mostSpecific(BuiltIns.MAPPINGS, type);
  }

  private static Mapping<?> mostSpecific(List<Mapping<?>> mappings, Class<?> type) {
    Mapping<?> best = null;
    for (Mapping<?> m : mappings) {
      if (m.type.isAssignableFrom(type) && (best == null || best.type.isAssignableFrom(m.type))) {
        best = m;
      }
    }
    return best;
  }

  private static final class Mapping<T extends Throwable> {
    final Class<T> type;
    final Function<? super T, ErrorClassification> function;

    Mapping(Class<T> type, Function<? super T, ErrorClassification> function) {
      this.type = type;
      this.function = function;
    }
  }

  private static final class BuiltIns {
    static final List<Mapping<?>> MAPPINGS = new ArrayList<>();

    static {
      code(TimeoutException.class, StandardErrorCode.SERVICE_TIMEOUT);
      code(SocketTimeoutException.class, StandardErrorCode.SERVICE_TIMEOUT);
      code(HttpTimeoutException.class, StandardErrorCode.SERVICE_TIMEOUT);
      code(InterruptedIOException.class, StandardErrorCode.SERVICE_TIMEOUT);
      code(HttpConnectTimeoutException.class, StandardErrorCode.SERVICE_UNAVAILABLE);
      code(ConnectException.class, StandardErrorCode.SERVICE_UNAVAILABLE);
      code(NoRouteToHostException.class, StandardErrorCode.SERVICE_UNAVAILABLE);
      code(UnknownHostException.class, StandardErrorCode.SERVICE_UNAVAILABLE);
      code(PortUnreachableException.class, StandardErrorCode.SERVICE_UNAVAILABLE);
      code(ClosedChannelException.class, StandardErrorCode.SERVICE_COMMUNICATION_ERROR);
      code(IOException.class, StandardErrorCode.SERVICE_COMMUNICATION_ERROR);
      MAPPINGS.add(new Mapping<>(SQLTransientException.class, e -> transientDatabase()));
      MAPPINGS.add(new Mapping<>(SQLRecoverableException.class, e -> transientDatabase()));
      code(SQLException.class, StandardErrorCode.DATABASE_ERROR);
      code(RejectedExecutionException.class, StandardErrorCode.CAPACITY_EXCEEDED);
      code(CallNotPermittedException.class, StandardErrorCode.CIRCUIT_OPEN);
      code(
          io.github.resilience4j.bulkhead.BulkheadFullException.class,
          StandardErrorCode.BULKHEAD_FULL);
      code(RequestNotPermitted.class, StandardErrorCode.RATE_LIMIT_EXCEEDED);
    }

    private static ErrorClassification transientDatabase() {
      return new ErrorClassification(StandardErrorCode.DATABASE_ERROR, true, 503, null);
    }

    private static void code(Class<? extends Throwable> type, ErrorCode code) {
      ErrorClassification c = ErrorClassification.of(code);
      MAPPINGS.add(new Mapping<>(type, e -> c));
    }
  }

  /** Builds an {@link ErrorClassifier}. Not thread-safe. */
  public static final class Builder {
    private final List<Mapping<?>> mappings = new ArrayList<>();

    private Builder() {}

    /**
     * Maps a throwable type, and its subclasses without a mapping of their own, to an error code
     * with the code's defaults.
     *
     * @param type the throwable type
     * @param errorCode the code
     * @return this builder
     */
    public Builder map(Class<? extends Throwable> type, ErrorCode errorCode) {
      Checks.notNull("type", type);
      ErrorClassification c = ErrorClassification.of(Checks.notNull("errorCode", errorCode));
      return map(type, e -> c);
    }

    /**
     * Maps a throwable type to a classification computed from the instance, for example from an
     * HTTP client exception's status.
     *
     * @param type the throwable type
     * @param classification computes the classification; returning null means {@code
     *     INTERNAL_ERROR}; it must not throw
     * @param <T> the throwable type
     * @return this builder
     */
    public <T extends Throwable> Builder map(
        Class<T> type, Function<? super T, ErrorClassification> classification) {
      Checks.notNull("type", type);
      Checks.notNull("classification", classification);
      mappings.removeIf(m -> m.type == type);
      mappings.add(new Mapping<>(type, classification));
      return this;
    }

    /**
     * Builds the classifier.
     *
     * @return an immutable classifier
     */
    public ErrorClassifier build() {
      return new ErrorClassifier(mappings);
    }
  }
}
