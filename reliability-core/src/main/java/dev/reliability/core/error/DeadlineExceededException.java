package dev.reliability.core.error;

import dev.reliability.core.internal.Checks;
import java.time.Duration;
import java.util.Map;

/**
 * The request's deadline (see {@code dev.reliability.core.context.Deadline}) passed before the work
 * was done: a policy refused to start a call, stopped waiting for a permit or for an attempt, or an
 * outgoing call was not sent. Code {@code DEADLINE_EXCEEDED}, 504, not retryable: the caller has
 * stopped waiting, so another attempt cannot help it. Details: {@code component}, {@code
 * overrun_ms} (how long ago the deadline passed when the work was given up).
 *
 * <p>No stack trace is filled in: it is thrown on hot paths, often for every call of a request
 * whose caller has given up. Immutable and thread-safe.
 */
public class DeadlineExceededException extends ReliabilityException {

  private static final long serialVersionUID = 1L;

  private final String component;
  private final transient Duration overrun;

  /**
   * Creates the exception.
   *
   * @param component the name of the policy or client that gave up, not blank
   * @param overrun how long ago the deadline passed, zero or more
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code component} is blank or {@code overrun} negative
   */
  public DeadlineExceededException(String component, Duration overrun) {
    this(component, overrun, null);
  }

  /**
   * Creates the exception with a cause, such as the time-out or the failure of the last attempt.
   *
   * @param component the name of the policy or client that gave up, not blank
   * @param overrun how long ago the deadline passed, zero or more
   * @param cause the underlying failure, or null
   * @throws NullPointerException if {@code component} or {@code overrun} is null
   * @throws IllegalArgumentException if {@code component} is blank or {@code overrun} negative
   */
  public DeadlineExceededException(String component, Duration overrun, Throwable cause) {
    super(
        StandardErrorCode.DEADLINE_EXCEEDED,
        message(component, overrun),
        Map.of("component", component, "overrun_ms", overrun.toMillis()),
        cause,
        StandardErrorCode.DEADLINE_EXCEEDED.retryable(),
        StandardErrorCode.DEADLINE_EXCEEDED.httpStatus(),
        null,
        false);
    this.component = component;
    this.overrun = overrun;
  }

  private static String message(String component, Duration overrun) {
    Checks.notBlank("component", component);
    Checks.notNegative("overrun", overrun);
    return "'"
        + component
        + "' gave up: the request's deadline passed "
        + overrun.toMillis()
        + " ms ago";
  }

  /**
   * Returns the name of the policy or client that gave up.
   *
   * @return the component's name
   */
  public String component() {
    return component;
  }

  /**
   * Returns how long ago the deadline had passed when the work was given up.
   *
   * @return the overrun, zero or more
   */
  public Duration overrun() {
    return overrun;
  }
}
