package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthCheckResultTest {

  @Test
  void shortcutsSetStatusAndMessage() {
    assertThat(HealthCheckResult.healthy().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(HealthCheckResult.healthy().message()).isEmpty();
    assertThat(HealthCheckResult.healthy("ok").message()).isEqualTo("ok");
    assertThat(HealthCheckResult.degraded("slow").status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(HealthCheckResult.unhealthy("down").status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(HealthCheckResult.unknown("not yet").status()).isEqualTo(HealthStatus.UNKNOWN);
  }

  @Test
  void unhealthyFromExceptionNamesTheException() {
    HealthCheckResult r = HealthCheckResult.unhealthy(new SQLException("connection refused"));

    assertThat(r.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(r.message()).isEqualTo("SQLException: connection refused");
    assertThat(r.details()).containsEntry("error", "java.sql.SQLException");
  }

  @Test
  void unhealthyFromExceptionWithoutMessageUsesTheClassName() {
    assertThat(HealthCheckResult.unhealthy(new IllegalStateException()).message())
        .isEqualTo("IllegalStateException");
  }

  @Test
  void builderKeepsDetailsInOrderAndNullRemoves() {
    HealthCheckResult r =
        HealthCheckResult.builder(HealthStatus.DEGRADED)
            .detail("b", 1)
            .detail("a", "x")
            .detail("gone", true)
            .detail("gone", null)
            .details(Map.of("c", 2.5))
            .measurement("responseTime", 12.5, "ms")
            .duration(Duration.ofMillis(7))
            .checkedAt(Instant.EPOCH)
            .build();

    assertThat(r.details())
        .containsExactly(Map.entry("b", 1), Map.entry("a", "x"), Map.entry("c", 2.5));
    assertThat(r.measurement())
        .contains(new HealthCheckResult.Measurement("responseTime", 12.5, "ms"));
    assertThat(r.duration()).isEqualTo(Duration.ofMillis(7));
    assertThat(r.checkedAt()).contains(Instant.EPOCH);
    assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
    assertThat(r).hasToString("HealthCheckResult[degraded, {b=1, a=x, c=2.5}]");
  }

  @Test
  void detailsAreImmutable() {
    HealthCheckResult r = HealthCheckResult.builder(HealthStatus.HEALTHY).detail("k", 1).build();

    assertThatThrownBy(() -> r.details().put("x", 2))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsBadArgumentsWithProjectMessages() {
    assertThatThrownBy(() -> HealthCheckResult.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("status must not be null");
    assertThatThrownBy(
            () -> HealthCheckResult.builder(HealthStatus.HEALTHY).measurement("a:b", 1, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("measurement name must be free of ':', was \"a:b\"");
    assertThatThrownBy(
            () -> HealthCheckResult.builder(HealthStatus.HEALTHY).duration(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration must be zero or longer, was -1ms");
  }

  @Test
  void statusOrderAndLabels() {
    assertThat(HealthStatus.HEALTHY.worst(HealthStatus.DEGRADED)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(HealthStatus.UNHEALTHY.worst(HealthStatus.UNKNOWN))
        .isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(HealthStatus.UNKNOWN.isWorseThan(HealthStatus.DEGRADED)).isTrue();
    assertThat(HealthStatus.DEGRADED.label()).isEqualTo("degraded");
  }
}
