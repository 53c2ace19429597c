package dev.reliability.core.policy;

/** Why a policy refused a call without trying it, as reported to {@link PolicyListener}. */
public enum RejectionReason {
  /**
   * The circuit breaker is open, forced open, or half-open with all trial calls in flight; the call
   * ends with {@link dev.reliability.core.error.CircuitOpenException}.
   */
  CIRCUIT_OPEN,
  /**
   * The rate limit is reached and no permit frees up within the limiter's maximum wait; the call
   * ends with {@link dev.reliability.core.error.RateLimitExceededException}.
   */
  RATE_LIMITED,
  /**
   * Every bulkhead permit is taken and none frees up within the bulkhead's maximum wait; the call
   * ends with {@link dev.reliability.core.error.BulkheadFullException}.
   */
  BULKHEAD_FULL,
  /**
   * The adaptive concurrency limit is reached (for the call's traffic class); the call ends with
   * {@link dev.reliability.core.error.ConcurrencyLimitExceededException}.
   */
  CONCURRENCY_LIMITED,
  /**
   * The client-side adaptive throttle refused the call locally, because the dependency has been
   * refusing requests; the call ends with {@link dev.reliability.core.error.ThrottledException}.
   */
  THROTTLED,
  /**
   * The request's deadline (see {@link dev.reliability.core.context.Deadline}) had passed when the
   * call started, so it was not attempted; the call ends with {@link
   * dev.reliability.core.error.DeadlineExceededException}.
   */
  DEADLINE_EXCEEDED;

  /**
   * Returns the lower-case name used as a metric tag and log value, such as {@code circuit_open}.
   *
   * @return the tag value
   */
  public String tagValue() {
    return switch (this) {
      case CIRCUIT_OPEN -> "circuit_open";
      case RATE_LIMITED -> "rate_limited";
      case BULKHEAD_FULL -> "bulkhead_full";
      case CONCURRENCY_LIMITED -> "concurrency_limited";
      case THROTTLED -> "throttled";
      case DEADLINE_EXCEEDED -> "deadline_exceeded";
    };
  }
}
