package dev.reliability.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.HealthStatus;
import dev.reliability.test.ManualTimeSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The JDBC check against an embedded H2 database. */
class JdbcHealthCheckTest {

  private static JdbcDataSource h2(String url) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url);
    ds.setUser("sa");
    ds.setPassword("");
    return ds;
  }

  private static final JdbcDataSource MEMORY = h2("jdbc:h2:mem:health-test;DB_CLOSE_DELAY=-1");

  @Test
  void validConnectionIsHealthy() {
    HealthCheckResult r = JdbcHealthCheck.of(MEMORY).check();

    assertThat(r.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(r.details()).containsEntry("validation", "isValid").containsKey("response_time_ms");
    assertThat((String) r.details().get("database")).startsWith("H2 2.3.232");
    assertThat(r.measurement().orElseThrow().name()).isEqualTo("responseTime");
  }

  @Test
  void validationQueryRuns() {
    HealthCheckResult r =
        JdbcHealthCheck.builder(MEMORY).validationQuery("SELECT 1").build().check();

    assertThat(r.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(r.details()).containsEntry("validation", "SELECT 1");
  }

  @Test
  void failingQueryIsUnhealthyWithTheSqlState() {
    HealthCheckResult r =
        JdbcHealthCheck.builder(MEMORY)
            .validationQuery("SELECT * FROM missing_table")
            .build()
            .check();

    assertThat(r.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(r.message()).startsWith("SQLException: Table \"MISSING_TABLE\" not found");
    assertThat(r.details()).containsEntry("sql_state", "42S04");
  }

  @Test
  void unreachableDatabaseIsUnhealthy() {
    JdbcDataSource gone = h2("jdbc:h2:/nonexistent-dir/for-sure/db;IFEXISTS=TRUE");

    HealthCheckResult r = JdbcHealthCheck.of(gone).check();

    assertThat(r.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(r.message()).startsWith("SQLException: ");
    assertThat(r.details()).containsKey("sql_state").doesNotContainKey("database");
  }

  @Test
  void slowValidationIsDegraded() {
    ManualTimeSource time = ManualTimeSource.create();
    DataSource slow = new Slow(MEMORY, time, Duration.ofMillis(700));

    HealthCheckResult r =
        JdbcHealthCheck.builder(slow)
            .slowThreshold(Duration.ofMillis(500))
            .timeSource(time)
            .build()
            .check();

    assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.message()).isEqualTo("validation took 700ms, slower than 500ms");
    assertThat(r.details()).containsEntry("response_time_ms", 700.0);
  }

  @Test
  void isADatastoreCheckKeptOffLiveness() {
    try (HealthCheckRegistry registry =
        HealthCheckRegistry.builder()
            .configSource(ConfigSource.empty())
            .timeSource(ManualTimeSource.create())
            .build()) {
      assertThat(JdbcHealthCheck.of(MEMORY).kind()).isEqualTo(HealthCheckKind.DATASTORE);
      assertThatThrownBy(
              () ->
                  registry.register(
                      "db",
                      JdbcHealthCheck.of(MEMORY),
                      HealthCheckConfig.builder().groups(HealthGroups.LIVENESS).build()))
          .isInstanceOf(IllegalArgumentException.class);

      registry.register("db", JdbcHealthCheck.of(MEMORY));
      registry.lifecycle().markStartupComplete();
      assertThat(registry.readiness().status()).isEqualTo(HealthStatus.HEALTHY);
    }
  }

  /** Delegates to a data source, advancing a manual clock on each connection. */
  private static final class Slow implements DataSource {
    private final DataSource delegate;
    private final ManualTimeSource time;
    private final Duration delay;

    Slow(DataSource delegate, ManualTimeSource time, Duration delay) {
      this.delegate = delegate;
      this.time = time;
      this.delay = delay;
    }

    @Override
    public Connection getConnection() throws SQLException {
      time.advance(delay);
      return delegate.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
