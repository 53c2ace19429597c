package dev.reliability.health.http;

/**
 * The JSON bodies the health endpoints can answer with.
 *
 * <ul>
 *   <li>{@link #JSON}: this library's format, {@code application/json}, with the statuses {@code
 *       healthy}, {@code degraded}, {@code unknown}, {@code unhealthy}. Probes answer {@code
 *       {"status":"healthy"}}; the detailed view adds {@code checks} (keyed by name, each with its
 *       status, message, details and {@code duration_ms}), {@code resources} ({@code memory_mb},
 *       {@code cpu_percent}, {@code threads}, ...) and {@code performance} ({@code request_count},
 *       {@code error_count}, {@code average_response_time}, {@code error_rate}).
 *   <li>{@link #HEALTH_JSON}: the IETF draft "Health Check Response Format for HTTP APIs", {@code
 *       application/health+json}: {@code pass}, {@code warn} (degraded) or {@code fail} (unknown,
 *       unhealthy), with {@code checks} keyed {@code <check>:<measurement>}, each an array of one
 *       object with {@code componentType}, {@code observedValue}, {@code observedUnit}, {@code
 *       status}, {@code time} and {@code output}.
 *   <li>{@link #MICROPROFILE}: the MicroProfile Health body, {@code application/json}: {@code
 *       status} {@code UP} or {@code DOWN} (as the HTTP status says) and {@code checks}, an array
 *       of {@code name}, {@code status} and, in the detailed view, {@code data}.
 * </ul>
 *
 * <p>A request picks a format with {@code Accept: application/health+json} or with the query
 * parameter {@code format=json|health+json|microprofile}; otherwise the endpoint's default applies.
 */
public enum HealthFormat {
  /** This library's own format. */
  JSON("application/json"),
  /** The IETF draft's {@code application/health+json}. */
  HEALTH_JSON("application/health+json"),
  /** The MicroProfile Health body. */
  MICROPROFILE("application/json");

  private final String mediaType;

  HealthFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  /**
   * Returns the media type of the body, sent as {@code Content-Type}.
   *
   * @return the media type
   */
  public String mediaType() {
    return mediaType;
  }
}
