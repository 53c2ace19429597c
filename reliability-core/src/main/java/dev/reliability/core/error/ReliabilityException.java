package dev.reliability.core.error;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.core.redaction.Redactor;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The root of every exception this library throws, and the base for a service's own.
 *
 * <p>Each exception carries:
 *
 * <ul>
 *   <li>an {@link ErrorCode}: a stable machine-readable code ({@link #code()}), with the default
 *       HTTP status and retry classification;
 *   <li>{@link #details()}: an immutable map of structured facts that are safe to show to clients
 *       (values under secret-looking keys are masked by {@link Redactor#defaults()} when the
 *       exception is built, so a details map never holds a secret; the library's own rejections,
 *       thrown by the thousand while a dependency is down, build and mask theirs when {@link
 *       #details()} is read, with the same result);
 *   <li>{@link #isRetryable()}: whether the same request may succeed later (transient);
 *   <li>{@link #httpStatus()}: the status a server should answer with;
 *   <li>{@link #retryAfter()}: an optional hint for when a retry may succeed.
 * </ul>
 *
 * <p>The message is for operators and logs; it is shown to clients only for client errors (4xx) or
 * in development mode, see {@link ProblemDetailFactory}.
 *
 * <p>Families: {@link ServiceCommunicationException} (timeouts, unavailable, bad responses), {@link
 * DataValidationException}, {@link DatabaseException}, {@link ResourceExhaustedException} (rate
 * limit, capacity, circuit open, bulkhead full), {@link AuthenticationException}, {@link
 * AuthorizationException} and {@link dev.reliability.core.config.ConfigurationException}. Domain
 * teams extend any of them:
 *
 * <pre>{@code
 * public class ModelNotLoadedException extends ReliabilityException {
 *   static final ErrorCode CODE = ErrorCode.of("MODEL_NOT_LOADED", 503, true, "The model is loading");
 *
 *   public ModelNotLoadedException(String model) {
 *     super(CODE, "Model " + model + " is not loaded", Map.of("model", model), null);
 *   }
 * }
 * }</pre>
 *
 * <p>Instances are immutable once constructed and safe to share between threads.
 */
public class ReliabilityException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient ErrorCode errorCode;
  private final transient Map<String, Object> details;
  private final boolean retryable;
  private final int httpStatus;
  private final transient Duration retryAfter;

  /**
   * The retry-after hint in nanoseconds when {@link #retryAfter} is null: -1 if unknown. Hot-path
   * rejections keep the hint as a number and build the {@link Duration} only when it is read.
   */
  private final long retryAfterNanos;

  /**
   * Whether the message and details are computed when read ({@link #lazyDetails()}), for rejections
   * built on hot paths.
   */
  private final boolean lazy;

  /**
   * Creates an exception with the code's default classification and no details.
   *
   * @param errorCode the error code
   * @param message the message for operators and logs
   */
  public ReliabilityException(ErrorCode errorCode, String message) {
    this(errorCode, message, Map.of(), null);
  }

  /**
   * Creates an exception with the code's default classification and no details.
   *
   * @param errorCode the error code
   * @param message the message for operators and logs
   * @param cause the underlying failure, or null
   */
  public ReliabilityException(ErrorCode errorCode, String message, Throwable cause) {
    this(errorCode, message, Map.of(), cause);
  }

  /**
   * Creates an exception with the code's default classification.
   *
   * @param errorCode the error code
   * @param message the message for operators and logs
   * @param details structured facts safe to show to clients; copied and redacted; null means none
   * @param cause the underlying failure, or null
   */
  public ReliabilityException(
      ErrorCode errorCode, String message, Map<String, ?> details, Throwable cause) {
    this(
        errorCode,
        message,
        details,
        cause,
        errorCode.retryable(),
        errorCode.httpStatus(),
        null,
        true);
  }

  /**
   * Creates an exception that overrides the code's classification for this instance.
   *
   * @param errorCode the error code
   * @param message the message for operators and logs
   * @param details structured facts safe to show to clients; copied and redacted; null means none
   * @param cause the underlying failure, or null
   * @param retryable whether a retry may succeed
   * @param httpStatus the HTTP status, 400 to 599
   * @param retryAfter when a retry may succeed, or null if unknown
   * @param writableStackTrace false to skip filling in the stack trace, for rejections thrown on
   *     hot paths where the trace tells nothing
   * @throws IllegalArgumentException if {@code httpStatus} is outside 400 to 599 or {@code
   *     retryAfter} is negative
   */
  protected ReliabilityException(
      ErrorCode errorCode,
      String message,
      Map<String, ?> details,
      Throwable cause,
      boolean retryable,
      int httpStatus,
      Duration retryAfter,
      boolean writableStackTrace) {
    super(message, cause, true, writableStackTrace);
    this.errorCode = Checks.notNull("errorCode", errorCode);
    this.details = Redactor.defaults().redactMap(details);
    this.retryable = retryable;
    this.httpStatus = Checks.inRange("httpStatus", httpStatus, 400, 599);
    if (retryAfter != null) {
      Checks.notNegative("retryAfter", retryAfter);
    }
    this.retryAfter = retryAfter;
    this.retryAfterNanos = -1;
    this.lazy = false;
  }

  /**
   * Creates a rejection for a hot path: no message (the subclass overrides {@link #getMessage()}),
   * no stack trace, no cause, the code's classification, and details computed by {@link
   * #lazyDetails()} when they are read, so that building it costs one small object. The caller
   * guarantees the arguments are valid.
   *
   * @param errorCode the error code
   * @param retryAfterNanos the retry-after hint in nanoseconds, zero or more, or -1 if unknown
   */
  ReliabilityException(ErrorCode errorCode, long retryAfterNanos) {
    super(null, null, true, false);
    this.errorCode = errorCode;
    this.details = null;
    this.retryable = errorCode.retryable();
    this.httpStatus = errorCode.httpStatus();
    this.retryAfter = null;
    this.retryAfterNanos = retryAfterNanos;
    this.lazy = true;
  }

  /**
   * Returns the details of an exception built by the hot-path constructor, before redaction.
   *
   * @return the details in order
   */
  Map<String, ?> lazyDetails() {
    return Map.of();
  }

  /**
   * Returns the error code with its default classification.
   *
   * @return the error code
   */
  public ErrorCode errorCode() {
    return errorCode;
  }

  /**
   * Returns the error code as text, such as {@code SERVICE_TIMEOUT}.
   *
   * @return the code
   */
  public String code() {
    return errorCode.code();
  }

  /**
   * Returns the structured details: immutable, in insertion order, with secret-looking values
   * masked.
   *
   * @return the details, possibly empty
   */
  public Map<String, Object> details() {
    Map<String, Object> d = details;
    if (d != null) {
      return d;
    }
    // Hot-path rejections compute their details on read, with the same redaction a constructor
    // applies, so the map is the same as if it had been built eagerly.
    return lazy ? Redactor.defaults().redactMap(lazyDetails()) : Map.of();
  }

  /**
   * Returns whether the same request may succeed if retried later.
   *
   * @return true for a transient failure
   */
  public boolean isRetryable() {
    return retryable;
  }

  /**
   * Returns the HTTP status a server should answer with.
   *
   * @return a status between 400 and 599
   */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * Returns when a retry may succeed, if known.
   *
   * @return the hint, or empty
   */
  public Optional<Duration> retryAfter() {
    if (retryAfter != null) {
      return Optional.of(retryAfter);
    }
    return retryAfterNanos >= 0 ? Optional.of(Duration.ofNanos(retryAfterNanos)) : Optional.empty();
  }

  @Override
  public String toString() {
    String message = getLocalizedMessage();
    String name = getClass().getName() + " [" + (errorCode == null ? "?" : errorCode.code()) + "]";
    return message != null ? name + ": " + message : name;
  }
}
