package dev.reliability.core.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.KeyedPolicy;
import dev.reliability.core.policy.KeyedPolicyConfig;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.test.ManualScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The code shown in docs/keyed-policies.md; the docs check asserts the text matches. */
class KeyedPoliciesGuideTest {

  private static String send(URI uri) {
    if (uri.getHost().startsWith("down")) {
      throw new ServiceUnavailableException(uri.getHost(), "down", null);
    }
    return "response from " + uri.getHost();
  }

  @Test
  void perHostPoliciesFromARegistryTemplate() {
    ConfigSource source =
        ConfigSource.fromMap("test", Map.of("reliability.keyed.downstream.max-keys", "500"));
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(source)
            .template(
                "http",
                PolicyConfig.builder()
                    .circuitBreaker(CircuitBreakerConfig.ofDefaults())
                    .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
                    .build())
            .build()) {
      URI uri = URI.create("https://api.example.com/items");
      // --- docs: registry
      KeyedPolicy perHost = registry.keyed("downstream", "http");
      String body = perHost.execute(uri.getHost(), () -> send(uri));
      // ---
      assertThat(body).isEqualTo("response from api.example.com");
      assertThat(perHost.config().maxKeys()).isEqualTo(500);
      assertThat(perHost.policy("api.example.com").name()).isEqualTo("downstream");
    }
  }

  @Test
  void aKeyedPolicyBuiltOnItsOwnWithItsBounds() {
    ManualScheduler scheduler = ManualScheduler.create();
    // --- docs: builder
    KeyedPolicy perTenant =
        KeyedPolicy.builder("tenants")
            .template(
                PolicyConfig.builder()
                    .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(3).build())
                    .build())
            .config(
                KeyedPolicyConfig.builder()
                    .maxKeys(10_000)
                    .idleTimeout(Duration.ofMinutes(30))
                    .maxTaggedKeys(50)
                    .build())
            .scheduler(scheduler)
            .build();
    // ---
    try (perTenant) {
      URI down = URI.create("https://down.example.com/");
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> perTenant.execute("acme", () -> send(down)))
            .isInstanceOf(ServiceUnavailableException.class);
      }
      assertThatThrownBy(() -> perTenant.execute("acme", () -> "x"))
          .isInstanceOf(CircuitOpenException.class);
      assertThat(perTenant.execute("globex", () -> "ok")).isEqualTo("ok");

      // Idle for longer than the idle time-out: evicted, but parked with its open breaker.
      scheduler.advance(Duration.ofMinutes(31));
      perTenant.cleanUp();
      assertThat(perTenant.parkedSize()).isEqualTo(1);
      assertThat(perTenant.policy("acme").circuitBreaker().orElseThrow().state())
          .isEqualTo(CircuitState.OPEN);
    }
  }

  @Test
  void aBadKeyIsRefusedWithAShortMessage() {
    try (KeyedPolicy perTenant = KeyedPolicy.builder("tenants").build()) {
      String header = "acme\r\nX-Injected: 1";
      // --- docs: bad key
      try {
        perTenant.execute(header, () -> "never runs");
      } catch (IllegalArgumentException e) {
        // 400 Bad Request: the message names the rule and shows the key escaped, at most its start
      }
      // ---
      assertThatThrownBy(() -> perTenant.execute(header, () -> "never runs"))
          .hasMessage(
              "key must be 1 to 128 characters without control characters, was"
                  + " \"acme\\u000d\\u000aX-Injected: 1\"");
    }
  }
}
