package dev.reliability.health;

import dev.reliability.health.spi.ServicePerformance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The answer to one probe: the aggregate status of a group and the result of each of its checks.
 *
 * <p><b>Aggregation.</b> The status is the worst of the checks' {@linkplain
 * ComponentHealth#contribution() contributions}: a critical check contributes its own status, a
 * non-critical one at most {@link HealthStatus#DEGRADED}. A group with no checks is healthy. On top
 * of that, the lifecycle decides: readiness (and the full report) is unhealthy until startup is
 * complete and from the moment a graceful shutdown begins; the startup probe is unhealthy until
 * startup is complete. {@link #message()} then says why.
 *
 * <p>A probe whose checks all answered from cache may return the same report object as the previous
 * probe; its {@link #timestamp()} is then the time it was first assembled.
 *
 * <p>Immutable and thread-safe.
 */
public final class HealthReport {

  private final String group;
  private final HealthStatus status;
  private final String message;
  private final List<ComponentHealth> checks;
  private final Instant timestamp;
  private final Duration duration;
  private final ResourceUsage resources;
  private final ServicePerformance performance;

  HealthReport(
      String group,
      HealthStatus status,
      String message,
      List<ComponentHealth> checks,
      Instant timestamp,
      Duration duration,
      ResourceUsage resources,
      ServicePerformance performance) {
    this.group = group;
    this.status = status;
    this.message = message;
    this.checks = List.copyOf(checks);
    this.timestamp = timestamp;
    this.duration = duration;
    this.resources = resources;
    this.performance = performance;
  }

  /**
   * Returns the group this report answers for.
   *
   * @return the group's name; {@code all} for the full report
   */
  public String group() {
    return group;
  }

  /**
   * Returns the aggregate status.
   *
   * @return the status
   */
  public HealthStatus status() {
    return status;
  }

  /**
   * Returns why the lifecycle overrode the checks, such as {@code "shutting down"}.
   *
   * @return the message; empty when the status is the checks' aggregate
   */
  public String message() {
    return message;
  }

  /**
   * Returns each check's part, in registration order.
   *
   * @return an immutable list
   */
  public List<ComponentHealth> checks() {
    return checks;
  }

  /**
   * Returns one check's part.
   *
   * @param name the check's name
   * @return the check's part, or empty if the group has no such check
   */
  public Optional<ComponentHealth> check(String name) {
    for (ComponentHealth c : checks) {
      if (c.name().equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns when the report was assembled.
   *
   * @return the wall-clock time
   */
  public Instant timestamp() {
    return timestamp;
  }

  /**
   * Returns how long assembling the report took, including waiting for checks.
   *
   * @return the duration
   */
  public Duration duration() {
    return duration;
  }

  /**
   * Returns the resource sample of a full report.
   *
   * @return the sample, or empty for probe reports and when sampling is off
   */
  public Optional<ResourceUsage> resources() {
    return Optional.ofNullable(resources);
  }

  /**
   * Returns the request statistics of a full report.
   *
   * @return the statistics, or empty for probe reports and when no source is set
   */
  public Optional<ServicePerformance> performance() {
    return Optional.ofNullable(performance);
  }

  @Override
  public String toString() {
    return "HealthReport["
        + group
        + ": "
        + status.label()
        + (message.isEmpty() ? "" : " (" + message + ")")
        + ", checks="
        + checks.size()
        + "]";
  }
}
