package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.KeyedPolicy;
import dev.reliability.core.policy.KeyedPolicyConfig;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.test.ManualScheduler;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedPolicyMetricsTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private KeyedPolicy keyed;

  private KeyedPolicy keyed(KeyedPolicyConfig config) {
    keyed =
        KeyedPolicy.builder("downstream")
            .template(
                PolicyConfig.builder()
                    .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(2).build())
                    .build())
            .config(config)
            .scheduler(scheduler)
            .build();
    return keyed;
  }

  @AfterEach
  void close() {
    if (keyed != null) {
      keyed.close();
    }
  }

  private Set<String> keyTags() {
    return meters.find(KeyedPolicyMetrics.CALLS).meters().stream()
        .map(m -> m.getId().getTag("key"))
        .collect(Collectors.toSet());
  }

  private double calls(String key, String outcome) {
    FunctionTimer t =
        meters
            .find(KeyedPolicyMetrics.CALLS)
            .tags("name", "downstream", "key", key, "outcome", outcome)
            .functionTimer();
    return t == null ? -1 : t.count();
  }

  private double state(String key, String state) {
    return meters
        .get(KeyedPolicyMetrics.CIRCUIT_BREAKER_STATE)
        .tags("key", key, "state", state)
        .gauge()
        .value();
  }

  @Test
  void eachTaggedKeyHasItsCallsAndBreakerState() {
    KeyedPolicy k = keyed(KeyedPolicyConfig.ofDefaults());
    KeyedPolicyMetrics.of(k).bindTo(meters);
    k.execute("a.example.com", () -> "ok");
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(
              () ->
                  k.execute(
                      "b.example.com",
                      () -> {
                        throw new ServiceUnavailableException("b", "down", null);
                      }))
          .isInstanceOf(ServiceUnavailableException.class);
    }

    assertThat(keyTags()).containsExactlyInAnyOrder("a.example.com", "b.example.com", "_overflow");
    assertThat(calls("a.example.com", "success")).isEqualTo(1);
    assertThat(calls("b.example.com", "failure")).isEqualTo(2);
    assertThat(state("a.example.com", "closed")).isEqualTo(1);
    assertThat(state("b.example.com", "open")).isEqualTo(1);
    assertThat(meters.get(KeyedPolicyMetrics.KEYS).gauge().value()).isEqualTo(2);
    assertThat(meters.get(KeyedPolicyMetrics.KEYS_OVERFLOW).counter().count()).isZero();
  }

  @Test
  void keysBeyondTheTagCapAreReportedUnderOverflowAndCounted() {
    KeyedPolicy k = keyed(KeyedPolicyConfig.builder().maxTaggedKeys(3).build());
    KeyedPolicyMetrics.of(k).bindTo(meters);
    for (int i = 0; i < 50; i++) {
      k.execute("tenant-" + i, () -> "ok");
    }
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(
              () ->
                  k.execute(
                      "tenant-49",
                      () -> {
                        throw new ServiceUnavailableException("t", "down", null);
                      }))
          .isInstanceOf(ServiceUnavailableException.class);
    }

    assertThat(keyTags())
        .containsExactlyInAnyOrder("tenant-0", "tenant-1", "tenant-2", "_overflow");
    assertThat(meters.get(KeyedPolicyMetrics.KEYS_OVERFLOW).counter().count()).isEqualTo(47);
    assertThat(calls("_overflow", "success")).isEqualTo(47);
    assertThat(calls("_overflow", "failure")).isEqualTo(2);
    assertThat(state("_overflow", "closed")).isEqualTo(46);
    assertThat(state("_overflow", "open")).isEqualTo(1);
    assertThat(meters.get(KeyedPolicyMetrics.KEYS).gauge().value()).isEqualTo(50);
  }

  @Test
  void anEvictedKeyFreesItsTagAndOverflowCountsNeverGoDown() {
    KeyedPolicy k =
        keyed(
            KeyedPolicyConfig.builder()
                .maxTaggedKeys(1)
                .idleTimeout(Duration.ofSeconds(10))
                .build());
    KeyedPolicyMetrics.of(k).bindTo(meters);
    k.execute("first", () -> "ok");
    k.execute("second", () -> "ok");
    assertThat(keyTags()).containsExactlyInAnyOrder("first", "_overflow");

    scheduler.advance(Duration.ofSeconds(11));
    k.cleanUp();
    assertThat(meters.get(KeyedPolicyMetrics.EVICTIONS).functionCounter().count()).isEqualTo(2);
    assertThat(keyTags()).containsExactly("_overflow");
    assertThat(calls("_overflow", "success")).isEqualTo(1);

    k.execute("third", () -> "ok");
    assertThat(keyTags()).containsExactlyInAnyOrder("third", "_overflow");
    assertThat(calls("third", "success")).isEqualTo(1);
    assertThat(meters.get(KeyedPolicyMetrics.KEYS).gauge().value()).isEqualTo(1);
  }

  @Test
  void aRegistrysKeyedPoliciesAreFollowed() {
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(
                ConfigSource.fromMap("test", Map.of("reliability.keyed.max-tagged-keys", "1")))
            .scheduler(scheduler)
            .build()) {
      KeyedPolicy before = registry.keyed("before", null);
      KeyedPolicyMetrics.of(registry).bindTo(meters);
      KeyedPolicy after = registry.keyed("after", null);
      before.execute("x", () -> 1);
      after.execute("y", () -> 1);
      after.execute("z", () -> 1);

      Set<String> series =
          meters.find(KeyedPolicyMetrics.CALLS).tag("outcome", "success").meters().stream()
              .map(Meter::getId)
              .map(id -> id.getTag("name") + "/" + id.getTag("key"))
              .collect(Collectors.toSet());
      assertThat(series)
          .containsExactlyInAnyOrder("before/x", "before/_overflow", "after/y", "after/_overflow");
      assertThat(
              meters.get(KeyedPolicyMetrics.KEYS_OVERFLOW).tag("name", "after").counter().count())
          .isEqualTo(1);
    }
  }

  @Test
  void keyedAndPlainPolicyMetersShareOnePrometheusScrape() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (PolicyRegistry registry =
        PolicyRegistry.builder().configSource(ConfigSource.empty()).scheduler(scheduler).build()) {
      PolicyMetrics.of(registry).bindTo(prometheus);
      KeyedPolicyMetrics.of(registry).bindTo(prometheus);
      registry.policy("payments").execute(() -> 1);
      registry.keyed("downstream", null).execute("api.example.com", () -> 1);

      String scrape = prometheus.scrape();
      assertThat(scrape)
          .contains(
              "reliability_policy_calls_seconds_count{name=\"payments\",outcome=\"success\"} 1")
          .contains(
              "reliability_keyed_calls_seconds_count{key=\"api.example.com\",name=\"downstream\","
                  + "outcome=\"success\"} 1")
          .contains("reliability_keyed_keys{name=\"downstream\"} 1")
          .contains("reliability_keyed_keys_overflow_total{name=\"downstream\"} 0");
    }
  }

  @Test
  void aKeysBreakerStateAndCallsAreReportedAfterItsKeyedPolicyIsReconfigured() {
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(ConfigSource.empty())
            .scheduler(scheduler)
            .defaultTemplate(
                PolicyConfig.builder()
                    .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(5).build())
                    .build())
            .build()) {
      KeyedPolicyMetrics.of(registry).bindTo(meters);
      KeyedPolicy hosts = registry.keyed("downstream", null);
      hosts.execute("a.example.com", () -> "ok");

      registry.reload(
          ConfigSource.fromMap(
              "file", Map.of("reliability.circuitbreaker.downstream.failure-threshold", "2")));
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(
                () ->
                    hosts.execute(
                        "a.example.com",
                        () -> {
                          throw new ServiceUnavailableException("downstream", "down", null);
                        }))
            .isInstanceOf(ServiceUnavailableException.class);
      }

      // The breaker in effect after the swap is the one reported, not the view from before it.
      assertThat(state("a.example.com", "open")).isEqualTo(1.0);
      assertThat(state("a.example.com", "closed")).isZero();
      assertThat(calls("a.example.com", "success")).isEqualTo(1);
      assertThat(calls("a.example.com", "failure")).isEqualTo(2);
    }
  }
}
