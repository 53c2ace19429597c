package dev.reliability.spring.boot.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.health.HealthStatus;
import dev.reliability.spring.boot.autoconfigure.health.internal.ActuatorStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.contributor.Status;

class ActuatorStatusTest {

  @ParameterizedTest(name = "{0} is {1}, answered with {2}")
  @CsvSource({
    "HEALTHY, UP, 200",
    "DEGRADED, DEGRADED, 200",
    "UNKNOWN, DOWN, 503",
    "UNHEALTHY, DOWN, 503"
  })
  void aContributionMapsToActuatorsStatusAndItsDefaultHttpCode(
      HealthStatus status, String code, int http) {
    Status actuator = ActuatorStatus.toActuator(status, "why");

    assertThat(actuator.getCode()).isEqualTo(code);
    assertThat(HttpCodeStatusMapper.DEFAULT.getStatusCode(actuator)).isEqualTo(http);
  }

  @ParameterizedTest(name = "{0} reads as {1}")
  @CsvSource({
    "UP, HEALTHY",
    "DOWN, UNHEALTHY",
    "OUT_OF_SERVICE, UNHEALTHY",
    "UNKNOWN, UNKNOWN",
    "WARNING, DEGRADED"
  })
  void actuatorsStatusesReadAsTheLibrarys(String code, HealthStatus status) {
    assertThat(ActuatorStatus.fromActuator(new Status(code))).isEqualTo(status);
  }
}
