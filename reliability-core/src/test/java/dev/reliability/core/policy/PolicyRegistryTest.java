package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PolicyRegistryTest {

  private final PolicyConfig http =
      PolicyConfig.builder()
          .circuitBreaker(CircuitBreakerConfig.ofDefaults())
          .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
          .build();

  @Test
  void buildsPoliciesFromTemplatesOnceAndAppliesTheirKeys() {
    ConfigSource source =
        ConfigSource.environment(
            Map.of("RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD", "10"));
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(source)
            .template("http", http)
            .scheduler(ManualScheduler.create())
            .build()) {
      Policy payments = registry.policy("payments", "http");
      Policy search = registry.policy("search", "http");

      assertThat(registry.policy("payments")).isSameAs(payments);
      assertThat(payments.config().circuitBreaker().orElseThrow().failureThreshold()).isEqualTo(10);
      assertThat(search.config().circuitBreaker().orElseThrow().failureThreshold()).isEqualTo(5);
      assertThat(payments.config().timeLimiter()).isPresent();
      assertThat(registry.policy("defaults").config().retry()).isPresent();
      assertThat(registry.find("search")).containsSame(search);
      assertThat(registry.find("unknown")).isEmpty();
      assertThat(registry.policies()).hasSize(3);
      assertThat(registry.templates()).containsExactly("http");
    }
  }

  @Test
  void listenersHearAboutAddedAndRemovedPolicies() {
    List<String> events = new CopyOnWriteArrayList<>();
    PolicyRegistry registry = PolicyRegistry.builder().configSource(ConfigSource.empty()).build();
    PolicyRegistry.Listener listener =
        new PolicyRegistry.Listener() {
          @Override
          public void onAdded(Policy policy) {
            events.add("added " + policy.name());
          }

          @Override
          public void onRemoved(Policy policy) {
            events.add("removed " + policy.name());
          }
        };
    registry.addListener(listener);
    registry.addListener(
        new PolicyRegistry.Listener() {
          @Override
          public void onAdded(Policy policy) {
            throw new IllegalStateException("a broken listener does not stop the others");
          }
        });
    registry.policy("a");
    registry.policy("a");
    assertThat(registry.remove("a")).isTrue();
    assertThat(registry.remove("a")).isFalse();
    registry.policy("b");
    registry.removeListener(listener);
    registry.policy("c");
    registry.close();

    assertThat(events).containsExactly("added a", "removed a", "added b");
    assertThat(registry.policies()).isEmpty();
    assertThatThrownBy(() -> registry.policy("d"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the policy registry is closed");
  }

  @Test
  void anUnknownTemplateOrInvalidConfigurationFailsClearly() {
    PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(ConfigSource.environment(Map.of("RELIABILITY_BULKHEAD_ENABLED", "maybe")))
            .template("http", http)
            .build();
    assertThatThrownBy(() -> registry.policy("x", "grpc"))
        .hasMessage("template must be one of [http], was \"grpc\"");
    assertThatThrownBy(() -> registry.policy("x"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "reliability.bulkhead.enabled must be true or false (also yes/no, on/off, 1/0), was"
                + " \"maybe\"");
    assertThat(registry.find("x")).isEmpty();
  }

  @Test
  void theDefaultTemplateCanBeReplaced() {
    PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(ConfigSource.empty())
            .defaultTemplate(PolicyConfig.empty())
            .listener(new RecordingListener())
            .executor(Runnable::run)
            .build();
    Policy plain = registry.policy("plain");
    assertThat(plain.circuitBreaker()).isEmpty();
    assertThat(plain.retry()).isEmpty();
    assertThat(plain.execute(() -> "ok")).isEqualTo("ok");
  }
}
