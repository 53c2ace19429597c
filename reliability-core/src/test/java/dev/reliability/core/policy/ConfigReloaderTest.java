package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReloaderTest {

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
                  .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(5).build())
                  .build())
          .build();
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private final ConfigReloader.Listener recording =
      new ConfigReloader.Listener() {
        @Override
        public void onReloaded(Path file, Set<String> changed) {
          heard.add("reloaded " + changed);
        }

        @Override
        public void onRejected(Path file, ConfigurationException problem) {
          heard.add("rejected " + problem.problems().size());
        }
      };
  private ConfigReloader reloader;

  @AfterEach
  void close() {
    if (reloader != null) {
      reloader.close();
    }
    registry.close();
  }

  private Path write(String name, String... lines) throws IOException {
    return Files.writeString(
        dir.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  private ConfigReloader start(Path file, ConfigReloader.Listener listener) {
    reloader =
        ConfigReloader.builder(registry, file)
            .scheduler(scheduler)
            .interval(TICK)
            .fallback(ConfigSource.empty())
            .listener(listener)
            .start();
    return reloader;
  }

  private static int threshold(Policy policy) {
    return policy.config().circuitBreaker().orElseThrow().failureThreshold();
  }

  @Test
  void aChangedPropertiesFileIsAppliedAtTheNextPollTick() throws IOException {
    Policy payments = registry.policy("payments");
    Path file =
        write("reliability.properties", "reliability.circuitbreaker.payments.failure-threshold=3");
    start(file, recording);
    assertThat(threshold(payments)).isEqualTo(3);

    write("reliability.properties", "reliability.circuitbreaker.payments.failure-threshold=8");
    scheduler.advance(TICK.minusMillis(1));
    assertThat(threshold(payments)).isEqualTo(3);
    scheduler.advance(Duration.ofMillis(1));

    assertThat(threshold(payments)).isEqualTo(8);
    assertThat(registry.policy("payments")).isSameAs(payments);
    assertThat(heard).containsExactly("reloaded [payments]");
    scheduler.advance(TICK);
    assertThat(heard).hasSize(1);
  }

  @Test
  void aYamlFileIsFollowedAndAnOpenBreakerStaysOpenThroughTheReload() throws IOException {
    Policy payments = registry.policy("payments");
    Path file =
        write("reliability.yaml", "reliability:", "  circuitbreaker:", "    failure-threshold: 2");
    start(file, recording);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> payments.execute(Failures.failing()))
          .isInstanceOf(ServiceUnavailableException.class);
    }
    assertThat(payments.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.OPEN);

    write(
        "reliability.yaml",
        "reliability:",
        "  circuitbreaker:",
        "    failure-threshold: 2",
        "    wait-in-open: 20s");
    scheduler.advance(TICK);

    CircuitBreaker breaker = payments.circuitBreaker().orElseThrow();
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.retryAfter()).contains(Duration.ofSeconds(15));
    assertThat(heard).containsExactly("reloaded [payments]");
  }

  @Test
  void aFileWithSeveralBadSettingsChangesNothingAndReportsEveryOneOnce() throws IOException {
    Policy payments = registry.policy("payments");
    Policy search = registry.policy("search");
    Path file = write("reliability.properties", "reliability.circuitbreaker.failure-threshold=4");
    List<ConfigurationException> refused = new CopyOnWriteArrayList<>();
    start(
        file,
        new ConfigReloader.Listener() {
          @Override
          public void onRejected(Path f, ConfigurationException problem) {
            refused.add(problem);
          }
        });
    PolicyConfig paymentsBefore = payments.config();
    PolicyConfig searchBefore = search.config();

    write(
        "reliability.properties",
        "reliability.circuitbreaker.payments.failure-threshold=9",
        "reliability.circuitbreaker.payments.wait-in-open=later",
        "reliability.circuitbreaker.search.failure-rate-threshold=2.5",
        "reliability.retry.search.enabled=true",
        "reliability.retry.search.max-retries=-3");
    scheduler.advance(TICK);
    scheduler.advance(TICK);

    assertThat(refused).hasSize(1);
    assertThat(refused.get(0).problems())
        .extracting(p -> p.key())
        .containsExactlyInAnyOrder(
            "reliability.circuitbreaker.payments.wait-in-open",
            "reliability.circuitbreaker.search.failure-rate-threshold",
            "reliability.retry.search.max-retries");
    assertThat(payments.config()).isSameAs(paymentsBefore);
    assertThat(search.config()).isSameAs(searchBefore);
    assertThat(threshold(payments)).isEqualTo(4);

    write("reliability.properties", "reliability.circuitbreaker.payments.failure-threshold=9");
    scheduler.advance(TICK);
    assertThat(threshold(payments)).isEqualTo(9);
    assertThat(threshold(search)).isEqualTo(5);
  }

  @Test
  void aTwoMegabyteFileIsRefusedAndTheRunningConfigurationStays() throws IOException {
    Policy payments = registry.policy("payments");
    Path file = write("reliability.properties", "reliability.circuitbreaker.failure-threshold=4");
    start(file, recording);

    byte[] big = new byte[2 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) '#');
    Files.write(file, big);
    scheduler.advance(TICK);

    assertThat(threshold(payments)).isEqualTo(4);
    assertThat(heard).containsExactly("rejected 0");
  }

  @Test
  void anErrorThrownByAListenerDoesNotStopTheWatcher() throws IOException {
    Policy payments = registry.policy("payments");
    Path file = write("reliability.properties", "reliability.circuitbreaker.failure-threshold=4");
    start(
        file,
        new ConfigReloader.Listener() {
          @Override
          public void onReloaded(Path f, Set<String> changed) {
            heard.add("reloaded " + changed);
            throw new StackOverflowError("listener bug");
          }
        });

    write("reliability.properties", "reliability.circuitbreaker.failure-threshold=6");
    scheduler.advance(TICK);
    write("reliability.properties", "reliability.circuitbreaker.failure-threshold=7");
    scheduler.advance(TICK);

    assertThat(threshold(payments)).isEqualTo(7);
    assertThat(heard).containsExactly("reloaded [payments]", "reloaded [payments]");
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
  }

  @Test
  void aBadFileAtStartIsRefusedAndClosingStopsThePolling() throws IOException {
    Path bad = write("bad.properties", "reliability.circuitbreaker.failure-threshold=none");
    registry.policy("payments");
    assertThatThrownBy(() -> ConfigReloader.builder(registry, bad).scheduler(scheduler).start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("reliability.circuitbreaker.failure-threshold must be");

    Path good = write("good.properties", "reliability.circuitbreaker.failure-threshold=4");
    ConfigReloader running = start(good, recording);
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
    running.close();
    assertThat(scheduler.pendingTasks()).isZero();
  }

  @Test
  void theIntervalIsAtLeastATenthOfASecond() {
    assertThatThrownBy(
            () ->
                ConfigReloader.builder(registry, dir.resolve("x.yaml"))
                    .interval(Duration.ofMillis(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be at least 100ms, was PT0.005S");
  }
}
