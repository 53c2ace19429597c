package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.policy.ExternalFakes.FakeLimiter;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-key customizer of a keyed policy: each key's own components, such as a fleet limit. */
class KeyedPolicyPerKeyTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final Map<String, FakeLimiter> limiters = new ConcurrentHashMap<>();
  private final List<String> customized = new CopyOnWriteArrayList<>();
  private KeyedPolicy keyed;

  @AfterEach
  void close() {
    if (keyed != null) {
      keyed.close();
    }
  }

  private KeyedPolicy perTenant() {
    keyed =
        KeyedPolicy.builder("partner")
            .scheduler(scheduler)
            .perKey(
                (tenant, b) -> {
                  customized.add(tenant);
                  b.rateLimiter(limiters.computeIfAbsent(tenant, t -> new FakeLimiter()))
                      .bulkhead(
                          BulkheadConfig.builder().maxConcurrentCalls(tenant.length()).build());
                })
            .build();
    return keyed;
  }

  @Test
  void eachKeyGetsItsOwnExternalLimiterFromTheCustomizer() {
    KeyedPolicy k = perTenant();

    k.execute("acme", () -> "a");
    k.execute("globex", () -> "g");
    k.execute("acme", () -> "a again");

    assertThat(customized).containsExactly("acme", "globex");
    assertThat(limiters.get("acme").asked).hasSize(2);
    assertThat(limiters.get("globex").asked).hasSize(1);
    assertThat(k.find("acme").orElseThrow().rateLimiter()).containsSame(limiters.get("acme"));
    assertThat(
            k.find("globex").orElseThrow().config().bulkhead().orElseThrow().maxConcurrentCalls())
        .isEqualTo(6);
  }

  @Test
  void aTemplateChangeKeepsEachKeysExternalLimiterAndItsOwnSettingsOnTop() {
    KeyedPolicy k = perTenant();
    k.execute("acme", () -> "a");
    FakeLimiter first = limiters.get("acme");

    k.reconfigure(
        PolicyConfig.builder()
            .retry(RetryConfig.ofDefaults())
            .bulkhead(BulkheadConfig.builder().maxConcurrentCalls(50).build())
            .rateLimiter(RateLimiterConfig.builder().limit(1).period(Duration.ofHours(1)).build())
            .build());
    k.execute("acme", () -> "after");
    k.execute("acme", () -> "and again");

    Policy acme = k.find("acme").orElseThrow();
    assertThat(acme.rateLimiter()).containsSame(first);
    assertThat(first.asked).hasSize(3);
    assertThat(acme.config().retry()).isPresent();
    assertThat(acme.config().bulkhead().orElseThrow().maxConcurrentCalls()).isEqualTo(4);
    assertThat(acme.config().rateLimiter()).contains(first.config());
    assertThat(customized).containsExactly("acme", "acme");
  }

  @Test
  void aNewKeyAfterATemplateChangeIsBuiltFromTheNewTemplateWithItsOwnSettings() {
    KeyedPolicy k = perTenant();
    k.reconfigure(PolicyConfig.builder().retry(RetryConfig.ofDefaults()).build());

    k.execute("initech", () -> "i");

    Policy initech = k.find("initech").orElseThrow();
    assertThat(initech.config().retry()).isPresent();
    assertThat(initech.rateLimiter()).containsSame(limiters.get("initech"));
  }

  @Test
  void aRegistrysKeyedPolicyKeepsEachKeysExternalLimiterAcrossReloadAndReconfigure() {
    try (PolicyRegistry registry =
        PolicyRegistry.builder().scheduler(scheduler).configSource(ConfigSource.empty()).build()) {
      KeyedPolicy k =
          registry.keyed(
              "partner",
              null,
              KeyedPolicyConfig.ofDefaults(),
              (tenant, b) ->
                  b.rateLimiter(limiters.computeIfAbsent(tenant, t -> new FakeLimiter())));
      k.execute("acme", () -> "a");
      FakeLimiter acme = limiters.get("acme");

      registry.reload(
          ConfigSource.fromMap("file", Map.of("reliability.retry.partner.max-retries", "2")));
      k.execute("acme", () -> "after reload");
      registry.reconfigure(
          "partner", PolicyConfig.builder().retry(RetryConfig.ofDefaults()).build());
      k.execute("acme", () -> "after reconfigure");

      assertThat(acme.asked).hasSize(3);
      assertThat(k.find("acme").orElseThrow().rateLimiter()).containsSame(acme);
      assertThat(k.find("acme").orElseThrow().config().retry()).isPresent();
      assertThat(limiters).containsOnlyKeys("acme");
    }
  }

  @Test
  void aCustomizerThatThrowsFailsTheCallThatBuildsTheKeyAndNotTheOthers() {
    keyed =
        KeyedPolicy.builder("partner")
            .scheduler(scheduler)
            .perKey(
                (tenant, b) -> {
                  if (tenant.equals("bad")) {
                    throw new IllegalStateException("no limit for " + tenant);
                  }
                })
            .build();

    assertThatThrownBy(() -> keyed.execute("bad", () -> "never"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no limit for bad");
    assertThat(keyed.execute("good", () -> "ok")).isEqualTo("ok");
    assertThat(keyed.find("bad")).isEmpty();
  }

  @Test
  void aCustomizerThatThrowsAfterATemplateChangeLeavesTheKeyOnThePlainTemplate() {
    boolean[] fail = {false};
    keyed =
        KeyedPolicy.builder("partner")
            .scheduler(scheduler)
            .perKey(
                (tenant, b) -> {
                  if (fail[0]) {
                    throw new IllegalStateException("engine gone");
                  }
                  b.bulkhead(BulkheadConfig.builder().maxConcurrentCalls(3).build());
                })
            .build();
    keyed.execute("acme", () -> "a");
    fail[0] = true;

    keyed.reconfigure(PolicyConfig.builder().retry(RetryConfig.ofDefaults()).build());

    assertThat(keyed.execute("acme", () -> "still served")).isEqualTo("still served");
    Policy acme = keyed.find("acme").orElseThrow();
    assertThat(acme.config().retry()).isPresent();
    assertThat(acme.config().bulkhead()).isEmpty();
  }

  @Test
  void aNullCustomizerIsRefusedWithItsName() {
    assertThatThrownBy(() -> KeyedPolicy.builder("partner").perKey(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("customizer");
  }
}
