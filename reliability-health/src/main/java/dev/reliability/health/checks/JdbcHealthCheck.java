package dev.reliability.health.checks;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.core.time.TimeSource;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A database reached through a JDBC {@link DataSource}: borrows a connection and validates it with
 * {@link Connection#isValid(int)}, or with a validation query such as {@code SELECT 1}. Healthy
 * when that works, degraded when it took longer than the slow threshold (if set), unhealthy with
 * the driver's message and SQL state when it fails.
 *
 * <pre>{@code
 * registry.register("database", JdbcHealthCheck.of(dataSource));
 * registry.register("reporting-db", JdbcHealthCheck.builder(reportingDataSource)
 *     .validationQuery("SELECT 1").slowThreshold(Duration.ofMillis(500)).build());
 * }</pre>
 *
 * <p>A {@link HealthCheckKind#DATASTORE} check: it stays off liveness unless the registration opts
 * in. With a pooled data source it also shows when the pool is exhausted (borrowing times out).
 * Details: {@code database} (product and version), {@code validation}, {@code response_time_ms};
 * measurement {@code responseTime} in ms. Immutable and thread-safe.
 */
public final class JdbcHealthCheck implements HealthCheck {

  private final DataSource dataSource;
  private final String validationQuery;
  private final int timeoutSeconds;
  private final Duration slowThreshold;
  private final TimeSource time;

  private JdbcHealthCheck(Builder b) {
    this.dataSource = b.dataSource;
    this.validationQuery = b.validationQuery;
    this.timeoutSeconds = (int) Math.max(1, (b.timeout.toMillis() + 999) / 1000);
    this.slowThreshold = b.slowThreshold;
    this.time = b.time;
  }

  /**
   * Returns a check that validates connections with {@link Connection#isValid(int)}.
   *
   * @param dataSource the data source
   * @return the check
   */
  public static JdbcHealthCheck of(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /**
   * Starts a check.
   *
   * @param dataSource the data source
   * @return a new builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Checks.notNull("dataSource", dataSource));
  }

  @Override
  public HealthCheckResult check() {
    long start = time.nanoTime();
    String database = null;
    try (Connection c = dataSource.getConnection()) {
      boolean valid;
      if (validationQuery == null) {
        valid = c.isValid(timeoutSeconds);
      } else {
        try (Statement s = c.createStatement()) {
          s.setQueryTimeout(timeoutSeconds);
          s.execute(validationQuery);
        }
        valid = true;
      }
      DatabaseMetaData md = c.getMetaData();
      database = md.getDatabaseProductName() + " " + md.getDatabaseProductVersion();
      Duration took = Duration.ofNanos(time.nanoTime() - start);
      HealthStatus status =
          !valid
              ? HealthStatus.UNHEALTHY
              : slowThreshold != null && took.compareTo(slowThreshold) > 0
                  ? HealthStatus.DEGRADED
                  : HealthStatus.HEALTHY;
      String message =
          !valid
              ? "connection is not valid"
              : status == HealthStatus.DEGRADED
                  ? "validation took "
                      + DurationText.format(Duration.ofMillis(took.toMillis()))
                      + ", slower than "
                      + DurationText.format(slowThreshold)
                  : "";
      return result(status, message, took, database).build();
    } catch (SQLException e) {
      Duration took = Duration.ofNanos(time.nanoTime() - start);
      HealthCheckResult.Builder b =
          result(HealthStatus.UNHEALTHY, "SQLException: " + e.getMessage(), took, database)
              .detail("error", e.getClass().getName());
      if (e.getSQLState() != null) {
        b.detail("sql_state", e.getSQLState());
      }
      return b.build();
    }
  }

  private HealthCheckResult.Builder result(
      HealthStatus status, String message, Duration took, String database) {
    double ms = took.toNanos() / 1_000_000.0;
    HealthCheckResult.Builder b =
        HealthCheckResult.builder(status)
            .message(message)
            .detail("validation", validationQuery == null ? "isValid" : validationQuery)
            .detail("response_time_ms", Math.round(ms * 100) / 100.0)
            .measurement("responseTime", Math.round(ms * 100) / 100.0, "ms");
    if (database != null) {
      b.detail("database", database);
    }
    return b;
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.DATASTORE;
  }

  /** Builds a {@link JdbcHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private String validationQuery;
    private Duration timeout = Duration.ofSeconds(3);
    private Duration slowThreshold;
    private TimeSource time = TimeSource.system();

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * Validates with a query instead of {@link Connection#isValid(int)}.
     *
     * @param query a cheap query such as {@code SELECT 1}
     * @return this builder
     */
    public Builder validationQuery(String query) {
      this.validationQuery = Checks.notBlank("validationQuery", query);
      return this;
    }

    /**
     * Sets the driver-side timeout of the validation, rounded up to whole seconds as JDBC takes it.
     * Default 3s. Keep it below the registration's check timeout.
     *
     * @param timeout longer than zero
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive("timeout", timeout);
      return this;
    }

    /**
     * Reports degraded when validation takes longer than this. Default: never.
     *
     * @param threshold longer than zero
     * @return this builder
     */
    public Builder slowThreshold(Duration threshold) {
      this.slowThreshold = Checks.positive("slowThreshold", threshold);
      return this;
    }

    /**
     * Sets the time source that measures the validation. Default {@link TimeSource#system()}.
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Checks.notNull("timeSource", time);
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     */
    public JdbcHealthCheck build() {
      return new JdbcHealthCheck(this);
    }
  }
}
