package dev.reliability.health.spi;

import dev.reliability.core.internal.Checks;
import java.time.Duration;

/**
 * Request statistics of the service, shown in the detailed health view under {@code performance} as
 * {@code request_count}, {@code error_count}, {@code average_response_time} (seconds) and {@code
 * error_rate} (percent of requests that failed).
 *
 * @param requestCount requests served since start
 * @param errorCount requests that failed since start
 * @param averageResponseTime the mean response time
 */
public record ServicePerformance(long requestCount, long errorCount, Duration averageResponseTime) {

  /** No requests yet. */
  public static final ServicePerformance NONE = new ServicePerformance(0, 0, Duration.ZERO);

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if a count is negative, errors exceed requests, or the time is
   *     negative
   */
  public ServicePerformance {
    Checks.notNegative("requestCount", requestCount);
    Checks.notNegative("errorCount", errorCount);
    Checks.check(errorCount <= requestCount, "errorCount", "at most requestCount", errorCount);
    Checks.notNegative("averageResponseTime", averageResponseTime);
  }

  /**
   * Returns the share of requests that failed.
   *
   * @return a fraction between 0.0 and 1.0; 0.0 with no requests
   */
  public double errorRate() {
    return requestCount == 0 ? 0.0 : (double) errorCount / requestCount;
  }
}
