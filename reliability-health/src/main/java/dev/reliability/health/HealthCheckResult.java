package dev.reliability.health;

import dev.reliability.core.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one run of a {@link HealthCheck} found: a status, a message, structured details, an optional
 * measurement, how long the run took and when it finished.
 *
 * <p>A check builds its result with the shortcuts ({@link #healthy()}, {@link #degraded(String)},
 * {@link #unhealthy(String)}, {@link #unhealthy(Throwable)}) or with {@link
 * #builder(HealthStatus)}. The registry then stamps the {@linkplain #duration() duration} and the
 * {@linkplain #checkedAt() time}, and sanitises the message and details with the registry's {@code
 * Redactor}, so a result read from a report, a listener or an HTTP body never carries a password,
 * token or connection string with credentials.
 *
 * <p>Details are shown in the detailed view: keys are snake_case by convention ({@code
 * response_time_ms}); values are strings, numbers, booleans, or lists and maps of those. The
 * {@linkplain #measurement() measurement} is the one number the {@code application/health+json}
 * view reports as {@code observedValue}, keyed {@code <check>:<measurement>}.
 *
 * <p>Immutable and thread-safe.
 */
public final class HealthCheckResult {

  private static final HealthCheckResult HEALTHY = builder(HealthStatus.HEALTHY).build();

  private final HealthStatus status;
  private final String message;
  private final Map<String, Object> details;
  private final Measurement measurement;
  private final Duration duration;
  private final Instant checkedAt;

  private HealthCheckResult(Builder b) {
    this.status = b.status;
    this.message = b.message;
    this.details =
        b.details.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(b.details));
    this.measurement = b.measurement;
    this.duration = b.duration;
    this.checkedAt = b.checkedAt;
  }

  /**
   * Returns a healthy result with no message.
   *
   * @return a shared healthy result
   */
  public static HealthCheckResult healthy() {
    return HEALTHY;
  }

  /**
   * Returns a healthy result with a message.
   *
   * @param message what was found, such as {@code "3 of 3 brokers reachable"}
   * @return the result
   * @throws NullPointerException if {@code message} is null
   */
  public static HealthCheckResult healthy(String message) {
    return builder(HealthStatus.HEALTHY).message(message).build();
  }

  /**
   * Returns a degraded result.
   *
   * @param message what is wrong
   * @return the result
   * @throws NullPointerException if {@code message} is null
   */
  public static HealthCheckResult degraded(String message) {
    return builder(HealthStatus.DEGRADED).message(message).build();
  }

  /**
   * Returns an unhealthy result.
   *
   * @param message what is wrong
   * @return the result
   * @throws NullPointerException if {@code message} is null
   */
  public static HealthCheckResult unhealthy(String message) {
    return builder(HealthStatus.UNHEALTHY).message(message).build();
  }

  /**
   * Returns an unhealthy result for a failure: the message is the exception's class and message,
   * and the detail {@code error} holds the exception's class name.
   *
   * @param error the failure
   * @return the result
   * @throws NullPointerException if {@code error} is null
   */
  public static HealthCheckResult unhealthy(Throwable error) {
    Checks.notNull("error", error);
    String text = error.getMessage();
    String message =
        error.getClass().getSimpleName() + (text == null || text.isBlank() ? "" : ": " + text);
    return builder(HealthStatus.UNHEALTHY)
        .message(message)
        .detail("error", error.getClass().getName())
        .build();
  }

  /**
   * Returns a result whose status is not known.
   *
   * @param message why the status is not known
   * @return the result
   * @throws NullPointerException if {@code message} is null
   */
  public static HealthCheckResult unknown(String message) {
    return builder(HealthStatus.UNKNOWN).message(message).build();
  }

  /**
   * Starts a result.
   *
   * @param status the status
   * @return a builder
   * @throws NullPointerException if {@code status} is null
   */
  public static Builder builder(HealthStatus status) {
    return new Builder(Checks.notNull("status", status));
  }

  /**
   * Returns a builder holding this result's values, to derive a changed copy.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(status);
    b.message = message;
    b.details.putAll(details);
    b.measurement = measurement;
    b.duration = duration;
    b.checkedAt = checkedAt;
    return b;
  }

  /**
   * Returns the status.
   *
   * @return the status
   */
  public HealthStatus status() {
    return status;
  }

  /**
   * Returns the message.
   *
   * @return the message; empty when the check gave none
   */
  public String message() {
    return message;
  }

  /**
   * Returns the details, in the order they were added.
   *
   * @return an immutable map, possibly empty
   */
  public Map<String, Object> details() {
    return details;
  }

  /**
   * Returns the measurement reported as the IETF view's {@code observedValue}.
   *
   * @return the measurement, or empty if the check reported none
   */
  public Optional<Measurement> measurement() {
    return Optional.ofNullable(measurement);
  }

  /**
   * Returns how long the run took, as stamped by the registry.
   *
   * @return the duration; {@link Duration#ZERO} for a result that was never stamped
   */
  public Duration duration() {
    return duration;
  }

  /**
   * Returns when the run finished, as stamped by the registry.
   *
   * @return the wall-clock time, or empty for a result that was never stamped
   */
  public Optional<Instant> checkedAt() {
    return Optional.ofNullable(checkedAt);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HealthCheckResult r
        && r.status == status
        && r.message.equals(message)
        && r.details.equals(details)
        && Objects.equals(r.measurement, measurement)
        && r.duration.equals(duration)
        && Objects.equals(r.checkedAt, checkedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, message, details, measurement, duration, checkedAt);
  }

  @Override
  public String toString() {
    return "HealthCheckResult["
        + status.label()
        + (message.isEmpty() ? "" : ", " + message)
        + (details.isEmpty() ? "" : ", " + details)
        + "]";
  }

  /**
   * One measured value, reported by the {@code application/health+json} view under the key {@code
   * <check>:<name>} as {@code observedValue} and {@code observedUnit}.
   *
   * @param name the measurement name without a colon, such as {@code responseTime} or {@code
   *     utilization} (names the IETF draft predefines)
   * @param value the measured value
   * @param unit the unit, such as {@code ms} or {@code percent}; empty for none
   */
  public record Measurement(String name, Number value, String unit) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if any component is null
     * @throws IllegalArgumentException if {@code name} is blank or holds a colon
     */
    public Measurement {
      Checks.notBlank("name", name);
      Checks.check(name.indexOf(':') < 0, "measurement name", "free of ':'", "\"" + name + "\"");
      Checks.notNull("value", value);
      Checks.notNull("unit", unit);
    }
  }

  /** Builds a {@link HealthCheckResult}. Not thread-safe. */
  public static final class Builder {
    private final HealthStatus status;
    private String message = "";
    private final Map<String, Object> details = new LinkedHashMap<>();
    private Measurement measurement;
    private Duration duration = Duration.ZERO;
    private Instant checkedAt;

    private Builder(HealthStatus status) {
      this.status = status;
    }

    /**
     * Sets the message.
     *
     * @param message what was found; empty for none
     * @return this builder
     * @throws NullPointerException if {@code message} is null
     */
    public Builder message(String message) {
      this.message = Checks.notNull("message", message);
      return this;
    }

    /**
     * Adds a detail; a null value removes the key.
     *
     * @param key the key, snake_case by convention
     * @param value a string, number, boolean, or a list or map of those; anything else is shown as
     *     its string form
     * @return this builder
     * @throws NullPointerException if {@code key} is null
     */
    public Builder detail(String key, Object value) {
      Checks.notNull("key", key);
      if (value == null) {
        details.remove(key);
      } else {
        details.put(key, value);
      }
      return this;
    }

    /**
     * Adds every entry of a map as a detail.
     *
     * @param values the details to add
     * @return this builder
     * @throws NullPointerException if {@code values} is null
     */
    public Builder details(Map<String, ?> values) {
      Checks.notNull("values", values);
      values.forEach(this::detail);
      return this;
    }

    /**
     * Sets the measurement.
     *
     * @param name the measurement name, such as {@code responseTime}
     * @param value the value
     * @param unit the unit, such as {@code ms}; empty for none
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank or holds a colon
     */
    public Builder measurement(String name, Number value, String unit) {
      this.measurement = new Measurement(name, value, unit);
      return this;
    }

    /**
     * Sets the duration; the registry overwrites it with the measured run time.
     *
     * @param duration how long the run took, zero or longer
     * @return this builder
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Builder duration(Duration duration) {
      this.duration = Checks.notNegative("duration", duration);
      return this;
    }

    /**
     * Sets when the run finished; the registry overwrites it.
     *
     * @param checkedAt the wall-clock time
     * @return this builder
     * @throws NullPointerException if {@code checkedAt} is null
     */
    public Builder checkedAt(Instant checkedAt) {
      this.checkedAt = Checks.notNull("checkedAt", checkedAt);
      return this;
    }

    /**
     * Builds the result.
     *
     * @return an immutable result
     */
    public HealthCheckResult build() {
      return new HealthCheckResult(this);
    }
  }
}
