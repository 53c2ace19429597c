package dev.reliability.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.ConfigReloader;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.test.ManualScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code shown in docs/live-reconfiguration.md. */
class LiveReconfigurationGuideTest {

  @TempDir Path dir;

  private final List<String> audit = new CopyOnWriteArrayList<>();

  @Test
  void fromCode() {
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(ConfigSource.empty())
            .defaultTemplate(
                PolicyConfig.builder().circuitBreaker(CircuitBreakerConfig.ofDefaults()).build())
            .build()) {
      registry.policy("payments");

      registry.addListener(
          new PolicyRegistry.Listener() {
            @Override
            public void onReconfigured(Policy policy, PolicyConfig before, PolicyConfig after) {
              audit.add(policy.name() + ": " + before + " -> " + after);
            }
          });

      PolicyConfig tighter =
          PolicyConfig.builder()
              .circuitBreaker(
                  CircuitBreakerConfig.builder()
                      .failureRateThreshold(0.2)
                      .waitInOpen(Duration.ofSeconds(30))
                      .build())
              .retry(RetryConfig.builder().maxRetries(1).build())
              .build();
      PolicyConfig applied = registry.reconfigure("payments", tighter);

      assertThat(registry.policy("payments").config()).isSameAs(applied);
      assertThat(applied.circuitBreaker().orElseThrow().waitInOpen())
          .isEqualTo(Duration.ofSeconds(30));
      assertThat(audit).hasSize(1);
    }
  }

  @Test
  void fromAWatchedFile() throws IOException {
    ManualScheduler scheduler = ManualScheduler.create();
    Path file =
        Files.writeString(
            dir.resolve("reliability.yaml"),
            "reliability:\n  circuitbreaker:\n    payments:\n      failure-threshold: 8\n");
    List<String> problems = new CopyOnWriteArrayList<>();
    try (PolicyRegistry registry =
        PolicyRegistry.builder().configSource(ConfigSource.empty()).scheduler(scheduler).build()) {
      Policy payments = registry.policy("payments");

      ConfigReloader reloader =
          ConfigReloader.builder(registry, file)
              .interval(Duration.ofSeconds(10))
              .scheduler(scheduler)
              .listener(
                  new ConfigReloader.Listener() {
                    @Override
                    public void onRejected(Path file, ConfigurationException problem) {
                      problem.problems().forEach(p -> problems.add(p.describe()));
                    }
                  })
              .start();

      assertThat(payments.config().circuitBreaker().orElseThrow().failureThreshold()).isEqualTo(8);
      Files.writeString(
          file, "reliability:\n  circuitbreaker:\n    payments:\n      failure-threshold: -1\n");
      scheduler.advance(Duration.ofSeconds(10));
      assertThat(problems)
          .containsExactly(
              "reliability.circuitbreaker.payments.failure-threshold must be a whole number"
                  + " between 0 and 100000, was \"-1\" (from file "
                  + file
                  + " key reliability.circuitbreaker.payments.failure-threshold)");
      assertThat(payments.config().circuitBreaker().orElseThrow().failureThreshold()).isEqualTo(8);
      reloader.close();
    }
  }
}
