package dev.reliability.core.error;

import dev.reliability.core.internal.Checks;
import java.time.Duration;
import java.util.Map;

/**
 * A client-side adaptive throttle refused the call locally, because the dependency has been
 * refusing requests (see {@code dev.reliability.core.policy.AdaptiveThrottle}). Code {@code
 * THROTTLED}, 503, retryable after the throttle's hint. Details: {@code component}, {@code
 * rejection_probability} (the throttle's probability of refusing when it refused, 0 to 1), {@code
 * retry_after_ms} (when known).
 *
 * <p>No stack trace is filled in. Immutable and thread-safe.
 */
public class ThrottledException extends ResourceExhaustedException {

  private static final long serialVersionUID = 1L;

  private final double rejectionProbability;

  /**
   * Creates the exception.
   *
   * @param component the name of the throttle or policy
   * @param retryAfter when a retry may pass, or null if unknown
   * @param rejectionProbability the throttle's rejection probability, 0 to 1
   * @throws IllegalArgumentException if the probability is outside 0 to 1
   */
  public ThrottledException(String component, Duration retryAfter, double rejectionProbability) {
    super(
        StandardErrorCode.THROTTLED,
        component,
        message(component, rejectionProbability),
        Map.of(
            "rejection_probability", Checks.fraction("rejectionProbability", rejectionProbability)),
        retryAfter,
        false);
    this.rejectionProbability = rejectionProbability;
  }

  /**
   * Creates the exception cheaply, for the path every refused call takes: the message and details
   * are built only when read (the same as those of {@link #ThrottledException(String, Duration,
   * double)}).
   *
   * @param component the name of the throttle or policy, not blank
   * @param retryAfterNanos when a retry may pass, in nanoseconds, or -1 if unknown
   * @param rejectionProbability the throttle's rejection probability, 0 to 1
   * @throws IllegalArgumentException if {@code component} is blank, {@code retryAfterNanos} is
   *     below -1 or the probability is outside 0 to 1
   */
  public ThrottledException(String component, long retryAfterNanos, double rejectionProbability) {
    super(
        StandardErrorCode.THROTTLED,
        Checks.notBlank("component", component),
        CircuitOpenException.checkRetryAfter(retryAfterNanos));
    this.rejectionProbability = Checks.fraction("rejectionProbability", rejectionProbability);
  }

  private static String message(String component, double probability) {
    return "Throttle of '"
        + component
        + "' refused the call locally (rejection probability "
        + Math.round(probability * 100)
        + "%)";
  }

  @Override
  public String getMessage() {
    String message = super.getMessage();
    return message != null ? message : message(component(), rejectionProbability);
  }

  @Override
  void addDetails(Map<String, Object> details) {
    details.put("rejection_probability", rejectionProbability);
  }

  /**
   * Returns the throttle's probability of refusing a call when it refused this one.
   *
   * @return the probability, 0 to 1
   */
  public double rejectionProbability() {
    return rejectionProbability;
  }
}
