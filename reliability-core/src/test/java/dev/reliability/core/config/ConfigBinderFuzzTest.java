package dev.reliability.core.config;

import static dev.reliability.core.config.ValueParsersFuzzTest.MAX_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.context.RequestIdSanitizer;
import dev.reliability.core.leak.LeakDetectorConfig;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.RateLimiterConfig;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.core.shedding.LoadSheddingConfig;
import dev.reliability.test.ManualScheduler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes configuration binding with hostile values from a {@link ConfigSource}. The contract: a
 * value that meets the setting's rule, or one {@link ConfigurationException} whose message names
 * the key, the rule and the origin; a policy built from hostile values either works or fails with
 * {@link ConfigurationException}; never another exception, never a slow parse.
 */
class ConfigBinderFuzzTest {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private record Bound(String prefix, Setting<?> setting) {}

  private static final List<Bound> SETTINGS = settings();

  private static boolean warm;

  /**
   * Runs the target a few times before the first measured call, once Jazzer's agent has
   * instrumented it, so the CPU bound measures the work and not class loading.
   */
  private static void warmUpOnce() {
    if (warm) {
      return;
    }
    warm = true;
    // Loads every class a bind can reach, so the CPU bound measures binding only.
    for (Bound b : SETTINGS) {
      for (String text : List.of("1", "x", "PT1M", "80%")) {
        ConfigBinder.of(
                ConfigSource.fromMap(
                    "warm-up", Map.of(b.prefix() + "." + b.setting().name(), text)),
                b.prefix())
            .get(b.setting());
      }
    }
  }

  private static List<Bound> settings() {
    List<Bound> all = new ArrayList<>();
    PolicyConfig.SETTINGS.forEach(
        (prefix, settings) -> settings.forEach(s -> all.add(new Bound(prefix, s))));
    ConnectionRegistryConfig.SETTINGS.forEach(
        s -> all.add(new Bound(ConnectionRegistryConfig.CONFIG_PREFIX, s)));
    LeakDetectorConfig.SETTINGS.forEach(
        s -> all.add(new Bound(LeakDetectorConfig.CONFIG_PREFIX, s)));
    RequestIdSanitizer.SETTINGS.forEach(
        s -> all.add(new Bound(RequestIdSanitizer.CONFIG_PREFIX, s)));
    LoadSheddingConfig.SETTINGS.forEach(
        s -> all.add(new Bound(LoadSheddingConfig.CONFIG_PREFIX, s)));
    return List.copyOf(all);
  }

  @FuzzTest(maxDuration = "60s")
  void hostileValuesBindOrNameTheKeyAndRule(FuzzedDataProvider data) {
    warmUpOnce();
    Bound bound = data.pickValue(SETTINGS);
    boolean perInstance = data.consumeBoolean();
    String text = data.consumeRemainingAsString();
    if (text.length() > MAX_LENGTH) {
      return;
    }
    String key = bound.prefix() + (perInstance ? ".fuzz." : ".") + bound.setting().name();
    ConfigBinder binder =
        ConfigBinder.of(ConfigSource.fromMap("fuzz", Map.of(key, text)), bound.prefix())
            .instance("fuzz");

    long start = THREADS.getCurrentThreadCpuTime();
    // Optional settings (no default) are read with find, as the components do.
    Object value =
        bound.setting().defaultValue().isPresent()
            ? binder.get(bound.setting())
            : binder.find(bound.setting()).orElse(null);
    List<ConfigProblem> problems = binder.problems();
    long cpu = THREADS.getCurrentThreadCpuTime() - start;

    assertThat(cpu).as("CPU nanoseconds of one bind").isLessThan(100_000_000L);
    if (problems.isEmpty()) {
      assertThat(value).isNotNull();
      assertThat(accepts(bound.setting(), value)).isTrue();
    } else {
      assertThat(problems).hasSize(1);
      ConfigProblem p = problems.get(0);
      assertThat(p.key()).isEqualTo(key);
      assertThat(p.rule()).isEqualTo(bound.setting().rule());
      assertThat(p.describe())
          .startsWith(key + " must be " + bound.setting().rule() + ", was \"")
          .endsWith("(from fuzz key " + key + ")");
      assertThat(value).isEqualTo(bound.setting().defaultValue().orElse(null));
    }
  }

  @FuzzTest(maxDuration = "60s")
  void policiesBuildFromHostileValuesOrFailWithTheProblem(FuzzedDataProvider data) {
    Map<String, String> values = new HashMap<>();
    int pairs = data.consumeInt(1, 4);
    for (int i = 0; i < pairs; i++) {
      Bound bound =
          data.pickValue(
              PolicyConfig.SETTINGS.entrySet().stream()
                  .flatMap(e -> e.getValue().stream().map(s -> new Bound(e.getKey(), s)))
                  .toList());
      values.put(
          bound.prefix() + (data.consumeBoolean() ? ".fuzz." : ".") + bound.setting().name(),
          data.consumeString(256));
    }
    Policy policy;
    try {
      policy =
          Policy.builder("fuzz")
              .config(
                  PolicyConfig.builder()
                      .circuitBreaker(CircuitBreakerConfig.ofDefaults())
                      .retry(RetryConfig.ofDefaults())
                      .rateLimiter(RateLimiterConfig.ofDefaults())
                      .bulkhead(BulkheadConfig.ofDefaults())
                      .timeLimiter(TimeLimiterConfig.ofDefaults())
                      .build())
              .scheduler(ManualScheduler.create())
              .configSource(ConfigSource.fromMap("fuzz", values))
              .build();
    } catch (ConfigurationException e) {
      assertThat(e.getMessage()).startsWith("Invalid configuration");
      return;
    }
    assertThat(policy.execute(() -> "ok")).isEqualTo("ok");
  }

  @SuppressWarnings("unchecked")
  private static <T> boolean accepts(Setting<T> setting, Object value) {
    return setting.accepts((T) value);
  }
}
