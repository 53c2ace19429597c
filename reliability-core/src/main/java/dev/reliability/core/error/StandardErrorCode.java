package dev.reliability.core.error;

/**
 * The error codes this library uses, each with its default HTTP status and retry classification.
 *
 * <p>Codes are stable: a published code never changes meaning. Thread-safe (an enum).
 */
public enum StandardErrorCode implements ErrorCode {
  /** An unexpected failure inside this service. 500, not retryable. */
  INTERNAL_ERROR(500, false, "An unexpected error occurred"),
  /** A call to another service failed in transport. 502, retryable. */
  SERVICE_COMMUNICATION_ERROR(502, true, "A downstream service could not be reached"),
  /** A call to another service did not finish in time. 504, retryable. */
  SERVICE_TIMEOUT(504, true, "A downstream service did not respond in time"),
  /** Another service refused or is down. 503, retryable. */
  SERVICE_UNAVAILABLE(503, true, "A downstream service is unavailable"),
  /** Another service answered with something this service cannot use. 502. */
  BAD_RESPONSE(502, false, "A downstream service returned an unusable response"),
  /** The request's data is invalid. 400, not retryable. */
  DATA_VALIDATION_ERROR(400, false, "The request is invalid"),
  /** A database operation failed. 500; retryable only when marked transient. */
  DATABASE_ERROR(500, false, "A database operation failed"),
  /** A limited resource is used up. 503, retryable. */
  RESOURCE_EXHAUSTED(503, true, "The service is out of capacity"),
  /** A rate limit refused the call. 429, retryable after the hint. */
  RATE_LIMIT_EXCEEDED(429, true, "Too many requests"),
  /** A capacity limit (connections, queue) refused the call. 503, retryable. */
  CAPACITY_EXCEEDED(503, true, "The service is at capacity"),
  /** An open circuit breaker refused the call. 503, retryable after the hint. */
  CIRCUIT_OPEN(503, true, "A downstream service is temporarily unavailable"),
  /** A bulkhead has no free permit. 503, retryable. */
  BULKHEAD_FULL(503, true, "The service is busy"),
  /** An adaptive concurrency limit has no free permit. 503, retryable after the hint. */
  CONCURRENCY_LIMIT_EXCEEDED(503, true, "The service is busy"),
  /** The caller's identity could not be established. 401, not retryable. */
  AUTHENTICATION_FAILED(401, false, "Authentication is required"),
  /** The caller may not do this. 403, not retryable. */
  AUTHORIZATION_FAILED(403, false, "Access is denied"),
  /** The service is misconfigured. 500, not retryable. */
  CONFIGURATION_ERROR(500, false, "The service is misconfigured"),
  /**
   * A client-side adaptive throttle refused the call locally, because the dependency has been
   * refusing requests. 503, retryable after the hint.
   */
  THROTTLED(503, true, "A downstream service is overloaded"),
  /**
   * The request's deadline passed before the work was done; the caller has stopped waiting. 504,
   * not retryable.
   */
  DEADLINE_EXCEEDED(504, false, "The request's deadline passed");

  private final int httpStatus;
  private final boolean retryable;
  private final String title;

  StandardErrorCode(int httpStatus, boolean retryable, String title) {
    this.httpStatus = httpStatus;
    this.retryable = retryable;
    this.title = title;
  }

  @Override
  public String code() {
    return name();
  }

  @Override
  public int httpStatus() {
    return httpStatus;
  }

  @Override
  public boolean retryable() {
    return retryable;
  }

  @Override
  public String title() {
    return title;
  }
}
