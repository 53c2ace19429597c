package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Keyed policies follow {@link PolicyRegistry#reload} and {@link PolicyRegistry#reconfigure}. */
class KeyedPolicyReloadTest {

  private static final Duration TICK = Duration.ofSeconds(5);

  @TempDir Path dir;

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final PolicyRegistry registry =
      PolicyRegistry.builder()
          .configSource(ConfigSource.empty())
          .scheduler(scheduler)
          .executor(Runnable::run)
          .defaultTemplate(
              PolicyConfig.builder()
                  .circuitBreaker(
                      CircuitBreakerConfig.builder()
                          .failureThreshold(5)
                          .waitInOpen(Duration.ofSeconds(60))
                          .build())
                  .build())
          .build();
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private ConfigReloader reloader;

  @AfterEach
  void close() {
    if (reloader != null) {
      reloader.close();
    }
    registry.close();
  }

  private Path write(String... lines) throws IOException {
    return Files.writeString(
        dir.resolve("reliability.properties"),
        String.join("\n", lines) + "\n",
        StandardCharsets.UTF_8);
  }

  private void watch(Path file) {
    reloader =
        ConfigReloader.builder(registry, file)
            .scheduler(scheduler)
            .interval(TICK)
            .fallback(ConfigSource.empty())
            .listener(
                new ConfigReloader.Listener() {
                  @Override
                  public void onReloaded(Path f, Set<String> changed) {
                    heard.add("reloaded " + changed);
                  }

                  @Override
                  public void onRejected(Path f, ConfigurationException problem) {
                    heard.add("rejected " + problem.problems().size());
                  }
                })
            .start();
  }

  private void listenToKeyedReconfigurations() {
    registry.addListener(
        new PolicyRegistry.Listener() {
          @Override
          public void onKeyedReconfigured(
              KeyedPolicy keyed, PolicyConfig before, PolicyConfig after) {
            heard.add(
                "keyed " + keyed.name() + " " + threshold(before) + " -> " + threshold(after));
          }
        });
  }

  private static int threshold(PolicyConfig config) {
    return config.circuitBreaker().orElseThrow().failureThreshold();
  }

  private static int threshold(Policy policy) {
    return threshold(policy.config());
  }

  private static void fail(KeyedPolicy keyed, String key, int times) {
    for (int i = 0; i < times; i++) {
      assertThatThrownBy(() -> keyed.execute(key, Failures.failing()))
          .isInstanceOf(ServiceUnavailableException.class);
    }
  }

  private static CircuitState state(Policy policy) {
    return policy.circuitBreaker().orElseThrow().state();
  }

  @Test
  void aFileReloadChangingTheFailureThresholdReachesExistingKeysAndNewKeys() throws IOException {
    KeyedPolicy hosts = registry.keyed("downstream", null);
    listenToKeyedReconfigurations();
    watch(write("reliability.circuitbreaker.payments.failure-threshold=3"));
    Policy a = hosts.policy("a.example.com");
    Policy b = hosts.policy("b.example.com");
    assertThat(threshold(a)).isEqualTo(5);

    write("reliability.circuitbreaker.downstream.failure-threshold=2");
    scheduler.advance(TICK);

    // Read the policies taken before the reload, not through the keyed policy's lookups.
    assertThat(threshold(a)).isEqualTo(2);
    assertThat(threshold(b)).isEqualTo(2);
    assertThat(threshold(hosts.template())).isEqualTo(2);
    assertThat(threshold(hosts.policy("c.example.com"))).isEqualTo(2);
    assertThat(heard).containsExactly("keyed downstream 5 -> 2", "reloaded [downstream]");
    // The same policy objects, and the new threshold decides: two failures open a's breaker.
    assertThat(hosts.policy("a.example.com")).isSameAs(a);
    fail(hosts, "a.example.com", 2);
    assertThat(state(a)).isEqualTo(CircuitState.OPEN);
    assertThat(state(b)).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void anOpenBreakerOfAKeyStaysOpenThroughTheReloadWithItsWaitGoingOn() throws IOException {
    KeyedPolicy hosts = registry.keyed("downstream", null);
    watch(write("reliability.circuitbreaker.payments.failure-threshold=3"));
    Policy a = hosts.policy("a.example.com");
    fail(hosts, "a.example.com", 5);
    assertThat(state(a)).isEqualTo(CircuitState.OPEN);
    scheduler.advance(Duration.ofSeconds(20));

    write(
        "reliability.circuitbreaker.downstream.failure-threshold=5",
        "reliability.circuitbreaker.downstream.wait-in-open=30s");
    scheduler.advance(TICK);

    assertThat(state(a)).isEqualTo(CircuitState.OPEN);
    // Opened 25 s ago: 5 s left of the new 30 s wait, not 35 s of the old 60 s one.
    assertThat(a.circuitBreaker().orElseThrow().retryAfter()).contains(Duration.ofSeconds(5));
    assertThatThrownBy(() -> hosts.execute("a.example.com", () -> "refused"))
        .isInstanceOf(CircuitOpenException.class);
    // The breaker half-opens strictly after its wait, as Resilience4j's does.
    scheduler.advance(Duration.ofSeconds(5).plusMillis(1));
    assertThat(hosts.execute("a.example.com", () -> "trial")).isEqualTo("trial");
  }

  @Test
  void aParkedKeysPolicyIsReconfiguredTooAndComesBackOpenWithTheNewSettings() {
    KeyedPolicy hosts =
        registry.keyed(
            "downstream",
            null,
            KeyedPolicyConfig.builder().maxKeys(10).idleTimeout(Duration.ofMinutes(1)).build());
    Policy a = hosts.policy("a.example.com");
    fail(hosts, "a.example.com", 5);
    scheduler.advance(Duration.ofMinutes(1).plusSeconds(1));
    hosts.cleanUp();
    assertThat(hosts.parkedSize()).isEqualTo(1);

    registry.reload(
        ConfigSource.fromMap(
            "file",
            Map.of(
                "reliability.circuitbreaker.downstream.failure-threshold", "2",
                "reliability.circuitbreaker.downstream.wait-in-open", "90s")));

    // Reconfigured while parked, without its key being used.
    assertThat(hosts.parkedSize()).isEqualTo(1);
    assertThat(threshold(a)).isEqualTo(2);
    assertThat(state(a)).isEqualTo(CircuitState.OPEN);
    assertThat(a.circuitBreaker().orElseThrow().retryAfter()).contains(Duration.ofSeconds(90 - 61));
    assertThat(hosts.policy("a.example.com")).isSameAs(a);
    assertThat(hosts.parkedSize()).isZero();
  }

  @Test
  void aBadSettingForTheKeyedNameChangesNothingPlainOrKeyedAndIsReported() throws IOException {
    KeyedPolicy hosts = registry.keyed("downstream", null);
    Policy payments = registry.policy("payments");
    watch(write("reliability.circuitbreaker.payments.failure-threshold=3"));
    Policy a = hosts.policy("a.example.com");
    PolicyConfig templateBefore = hosts.template();
    PolicyConfig keyBefore = a.config();
    PolicyConfig paymentsBefore = payments.config();

    write(
        "reliability.circuitbreaker.payments.failure-threshold=8",
        "reliability.circuitbreaker.downstream.failure-threshold=2",
        "reliability.circuitbreaker.downstream.wait-in-open=soon");
    scheduler.advance(TICK);

    assertThat(heard).containsExactly("rejected 1");
    assertThatThrownBy(
            () ->
                registry.reload(
                    ConfigSource.fromMap(
                        "file",
                        Map.of(
                            "reliability.circuitbreaker.payments.failure-threshold", "8",
                            "reliability.circuitbreaker.downstream.wait-in-open", "soon"))))
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(p -> p.key())
                    .containsExactly("reliability.circuitbreaker.downstream.wait-in-open"));
    assertThat(payments.config()).isSameAs(paymentsBefore);
    assertThat(hosts.template()).isSameAs(templateBefore);
    assertThat(a.config()).isSameAs(keyBefore);
    assertThat(threshold(hosts.policy("b.example.com"))).isEqualTo(5);
    assertThat(threshold(payments)).isEqualTo(3);
  }

  @Test
  void reconfigureWithAKeyedPolicysNameReplacesItsTemplateForEveryKey() {
    KeyedPolicy hosts = registry.keyed("downstream", null);
    listenToKeyedReconfigurations();
    Policy a = hosts.policy("a.example.com");
    Policy b = hosts.policy("b.example.com");

    PolicyConfig applied =
        registry.reconfigure(
            "downstream",
            PolicyConfig.builder()
                .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(3).build())
                .retry(RetryConfig.builder().maxRetries(1).build())
                .build());

    assertThat(hosts.template()).isSameAs(applied);
    assertThat(a.config()).hasToString(applied.toString());
    assertThat(b.config()).hasToString(applied.toString());
    assertThat(hosts.policy("c.example.com").config()).hasToString(applied.toString());
    assertThat(a.retry()).isPresent();
    // One event for the keyed policy, not one per key.
    assertThat(heard).containsExactly("keyed downstream 5 -> 3");
    // A later reload starts from this configuration, not the registry's template.
    assertThat(
            registry.reload(
                ConfigSource.fromMap(
                    "file", Map.of("reliability.retry.downstream.max-retries", "2"))))
        .containsExactly("downstream");
    assertThat(threshold(a)).isEqualTo(3);
    assertThat(a.config().retry().orElseThrow().maxRetries()).isEqualTo(2);
    assertThatThrownBy(() -> registry.reconfigure("nobody", PolicyConfig.ofDefaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must be the name of a policy of this registry, was \"nobody\"");
  }

  @Test
  void aKeyBuiltWhileTheTemplateIsSwappedEndsUpOnTheNewTemplate() throws Exception {
    KeyedPolicy hosts = registry.keyed("downstream", null);
    // The swap runs after the key's policy was built from the old template and before the cache
    // holds it: the swap's visit of the held policies cannot see it.
    hosts.addListener(
        new KeyedPolicy.Listener() {
          @Override
          public void onAdded(String key, Policy policy) {
            if (key.equals("racing")) {
              CompletableFuture.runAsync(
                      () ->
                          registry.reconfigure(
                              "downstream",
                              PolicyConfig.builder()
                                  .circuitBreaker(
                                      CircuitBreakerConfig.builder().failureThreshold(2).build())
                                  .build()))
                  .orTimeout(10, TimeUnit.SECONDS)
                  .join();
            }
          }
        });

    Policy racing = hosts.policy("racing");

    assertThat(threshold(hosts.template())).isEqualTo(2);
    assertThat(threshold(racing)).isEqualTo(2);
    fail(hosts, "racing", 2);
    assertThat(state(racing)).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void keysCreatedConcurrentlyWithSwapsAllEndOnTheLastTemplate() throws Exception {
    KeyedPolicy hosts =
        registry.keyed("downstream", null, KeyedPolicyConfig.builder().maxKeys(2_000).build());
    int threads = 3;
    int keysPerThread = 300;
    int swaps = 50;
    Map<String, Policy> built = new java.util.concurrent.ConcurrentHashMap<>();
    hosts.addListener(
        new KeyedPolicy.Listener() {
          @Override
          public void onAdded(String key, Policy policy) {
            built.put(key, policy);
          }
        });
    List<CompletableFuture<Void>> creators = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      creators.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < keysPerThread; i++) {
                  hosts.policy("k-" + thread + "-" + i);
                }
              }));
    }
    for (int s = 1; s <= swaps; s++) {
      registry.reconfigure(
          "downstream",
          PolicyConfig.builder()
              .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(s).build())
              .build());
    }
    CompletableFuture.allOf(creators.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    assertThat(hosts.generation()).isEqualTo(swaps);
    assertThat(hosts.size()).isEqualTo(threads * keysPerThread);
    // Read each policy as it was built, without a lookup that would catch it up.
    assertThat(built).hasSize(threads * keysPerThread);
    built.forEach((key, p) -> assertThat(threshold(p)).as(key).isEqualTo(swaps));
  }

  @Test
  void aReloadLogsOnePolicyReconfiguredLineForAKeyedPolicyNotOnePerKey() {
    KeyedPolicy hosts = registry.keyed("downstream", null);
    for (int i = 0; i < 5; i++) {
      hosts.policy("host-" + i);
    }
    Logger logger = (Logger) LoggerFactory.getLogger(Policy.class);
    ListAppender<ILoggingEvent> appender =
        new ListAppender<>() {
          @Override
          protected void append(ILoggingEvent e) {
            e.prepareForDeferredProcessing();
            super.append(e);
          }
        };
    appender.start();
    logger.addAppender(appender);
    try {
      registry.reload(
          ConfigSource.fromMap(
              "file", Map.of("reliability.circuitbreaker.downstream.failure-threshold", "2")));

      assertThat(appender.list)
          .filteredOn(e -> "policy_reconfigured".equals(e.getMDCPropertyMap().get("event")))
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              "Policy 'downstream' reconfigured: circuitbreaker.failureThreshold=5 -> 2");
    } finally {
      logger.detachAppender(appender);
    }
  }
}
