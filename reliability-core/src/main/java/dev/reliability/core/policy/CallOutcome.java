package dev.reliability.core.policy;

/**
 * How a guarded call ended, as counted by {@link PolicyStats} and reported to {@link
 * PolicyListener#onCallEnd}.
 */
public enum CallOutcome {
  /** The call returned a result (possibly after retries). */
  SUCCESS,
  /** The call failed and no fallback handled the failure. */
  FAILURE,
  /**
   * The policy itself refused the call: its circuit breaker was open, its rate limit was reached or
   * its bulkhead was full, and no fallback handled the rejection.
   */
  REJECTED,
  /** The call failed or was refused and the fallback supplied the result. */
  FALLBACK;

  /**
   * Returns the lower-case name used as a metric tag and log value, such as {@code success}.
   *
   * @return the tag value
   */
  public String tagValue() {
    return switch (this) {
      case SUCCESS -> "success";
      case FAILURE -> "failure";
      case REJECTED -> "rejected";
      case FALLBACK -> "fallback";
    };
  }
}
