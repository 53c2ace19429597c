package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.test.ManualScheduler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class KeyedPolicyRegistryTest {

  private final ManualScheduler scheduler = ManualScheduler.create();

  private PolicyRegistry registry(Map<String, String> keys) {
    return PolicyRegistry.builder()
        .configSource(ConfigSource.fromMap("test", keys))
        .scheduler(scheduler)
        .template(
            "http",
            PolicyConfig.builder().circuitBreaker(CircuitBreakerConfig.ofDefaults()).build())
        .build();
  }

  @Test
  void theSameNameGivesTheSameKeyedPolicyBuiltFromTheTemplateAndTheConfigurationKeys() {
    try (PolicyRegistry registry = registry(Map.of("reliability.keyed.per-host.max-keys", "7"))) {
      List<String> added = new CopyOnWriteArrayList<>();
      registry.addListener(
          new PolicyRegistry.Listener() {
            @Override
            public void onKeyedAdded(KeyedPolicy keyed) {
              added.add(keyed.name());
            }
          });
      KeyedPolicy keyed = registry.keyed("per-host", "http");

      assertThat(registry.keyed("per-host", null)).isSameAs(keyed);
      assertThat(registry.keyedPolicies()).containsExactly(keyed);
      assertThat(keyed.config().maxKeys()).isEqualTo(7);
      assertThat(keyed.template().retry()).isEmpty();
      assertThat(keyed.template().circuitBreaker()).isPresent();
      assertThat(added).containsExactly("per-host");
      // Keyed policies are not among the registry's named policies.
      keyed.policy("a.example.com");
      assertThat(registry.policies()).isEmpty();
    }
  }

  @Test
  void anUnknownTemplateIsRefused() {
    try (PolicyRegistry registry = registry(Map.of())) {
      assertThatThrownBy(() -> registry.keyed("per-host", "grpc"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("template must be one of [http], was \"grpc\"");
    }
  }

  @Test
  void closingTheRegistryClosesItsKeyedPolicies() {
    PolicyRegistry registry = registry(Map.of());
    KeyedPolicy keyed =
        registry.keyed("per-tenant", null, KeyedPolicyConfig.builder().maxKeys(5).build());
    keyed.policy("tenant-1");
    registry.close();

    assertThat(keyed.size()).isZero();
    assertThatThrownBy(() -> keyed.policy("tenant-1")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> registry.keyed("other", null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the policy registry is closed");
  }
}
