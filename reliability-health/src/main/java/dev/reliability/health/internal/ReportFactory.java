package dev.reliability.health.internal;

import dev.reliability.health.ComponentHealth;
import dev.reliability.health.HealthReport;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.ResourceUsage;
import dev.reliability.health.spi.ServicePerformance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Makes a {@link HealthReport}, whose constructor is not public: the registry hands its own
 * constructor reference to the {@link HealthEvaluator}.
 *
 * <p>This interface is internal and may change at any time. Implementations are stateless and
 * thread-safe.
 */
@FunctionalInterface
public interface ReportFactory {

  /**
   * Makes a report.
   *
   * @param group the group's name
   * @param status the aggregate status
   * @param message why the status is what it is; empty when the checks say it all
   * @param checks the checks' parts, in registration order
   * @param timestamp when the report was assembled
   * @param duration how long the probe took
   * @param resources the resource sample, or null
   * @param performance the service performance, or null
   * @return the report
   */
  HealthReport create(
      String group,
      HealthStatus status,
      String message,
      List<ComponentHealth> checks,
      Instant timestamp,
      Duration duration,
      ResourceUsage resources,
      ServicePerformance performance);
}
