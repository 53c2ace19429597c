package dev.reliability.health.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthEndpointConfigTest {

  @Test
  void toBuilderDerivesAVariantAndLeavesTheBaseUnchanged() {
    HealthEndpointConfig base =
        HealthEndpointConfig.builder()
            .authorizer(request -> true)
            .degradedStatusCode(207)
            .serviceName("orders")
            .build();

    HealthEndpointConfig derived = base.toBuilder().serviceVersion("1.2.0").build();

    assertThat(derived.showDetails()).isEqualTo(ShowDetails.WHEN_AUTHORIZED);
    assertThat(derived.degradedStatusCode()).isEqualTo(207);
    assertThat(derived.serviceName()).contains("orders");
    assertThat(derived.serviceVersion()).contains("1.2.0");
    assertThat(base.serviceVersion()).isEmpty();
  }

  @Test
  void withOverridesAppliesTheSourceOverTheValuesSetInCode() {
    HealthEndpointConfig code = HealthEndpointConfig.builder().degradedStatusCode(207).build();
    ConfigSource source =
        ConfigSource.fromMap(
            "test",
            Map.of(
                "reliability.health.degraded-status-code", "503",
                "reliability.health.show-details", "always"));

    HealthEndpointConfig overridden = code.withOverrides(source);

    assertThat(overridden.degradedStatusCode()).isEqualTo(503);
    assertThat(overridden.showDetails()).isEqualTo(ShowDetails.ALWAYS);
    assertThat(code.degradedStatusCode()).isEqualTo(207);
    assertThat(HealthEndpointConfig.ofDefaults().degradedStatusCode()).isEqualTo(200);
  }

  @Test
  void withOverridesRefusesWhenAuthorisedDetailsWithoutAnAuthoriser() {
    ConfigSource source =
        ConfigSource.fromMap("test", Map.of("reliability.health.show-details", "when-authorized"));

    assertThatThrownBy(() -> HealthEndpointConfig.ofDefaults().withOverrides(source))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no authorizer is set");
  }

  @Test
  void settersCheckThroughTheSettings() {
    assertThatThrownBy(() -> HealthEndpointConfig.builder().degradedStatusCode(600))
        .hasMessage("degraded-status-code must be a whole number between 200 and 599, was 600");
    assertThatThrownBy(() -> HealthEndpointConfig.builder().defaultFormat(null))
        .hasMessage("default-format must not be null");
  }
}
