package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.ExternalFakes.FakeBudget;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A retry budget kept by another engine, drawn on by retries and hedges. */
class ExternalRetryBudgetTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final List<Policy> policies = new ArrayList<>();

  @AfterEach
  void close() {
    policies.forEach(Policy::close);
  }

  private Policy retrying(String name, RetryBudget budget, int maxRetries) {
    Policy p =
        Policy.builder(name)
            .retry(
                RetryConfig.builder()
                    .maxRetries(maxRetries)
                    .jitter(Jitter.NONE)
                    .backoff(Backoff.fixed(Duration.ofMillis(10)))
                    .budget(budget)
                    .build())
            .scheduler(scheduler)
            .build();
    policies.add(p);
    return p;
  }

  private static int failingCall(Policy p) {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> p.execute(() -> Failures.unavailable(attempts)))
        .isInstanceOf(ServiceUnavailableException.class);
    return attempts.get();
  }

  @Test
  void theEngineHearsEachCallAndEachRetryableFailureAndDecidesEachRetry() {
    FakeBudget engine = new FakeBudget(1);
    RetryBudget budget = RetryBudget.external("payments-api", engine);
    Policy p = retrying("payments", budget, 3);

    assertThat(failingCall(p)).isEqualTo(2);

    assertThat(engine.calls).hasValue(1);
    assertThat(engine.failures).hasValue(2);
    assertThat(engine.asks).hasValue(2);
    assertThat(engine.successes).hasValue(0);
    assertThat(budget.rejections()).isEqualTo(1);
    assertThat(budget.available()).isZero();
    assertThat(p.retry().orElseThrow().budgetRejections()).isEqualTo(1);
  }

  @Test
  void aSuccessfulAttemptIsReportedToTheEngine() {
    FakeBudget engine = new FakeBudget(5);
    Policy p = retrying("payments", RetryBudget.external("payments-api", engine), 3);
    AtomicInteger attempts = new AtomicInteger();

    String v = p.execute(() -> attempts.incrementAndGet() < 2 ? Failures.unavailable() : "second");

    assertThat(v).isEqualTo("second");
    assertThat(engine.calls).hasValue(1);
    assertThat(engine.failures).hasValue(1);
    assertThat(engine.successes).hasValue(1);
    assertThat(engine.asks).hasValue(1);
    assertThat(engine.available()).isEqualTo(4);
  }

  @Test
  void everyPolicyConfiguredWithTheBudgetDrawsOnTheOneEngine() {
    FakeBudget engine = new FakeBudget(2);
    RetryBudget budget = RetryBudget.external("payments-api", engine);
    Policy charges = retrying("charges", budget, 1);
    Policy refunds = retrying("refunds", budget, 1);

    assertThat(failingCall(charges)).isEqualTo(2);
    assertThat(failingCall(refunds)).isEqualTo(2);
    assertThat(failingCall(charges)).isEqualTo(1);
    assertThat(failingCall(refunds)).isEqualTo(1);

    assertThat(engine.calls).hasValue(4);
    assertThat(budget.rejections()).isEqualTo(2);
  }

  @Test
  void hedgesDrawOnTheRetrysExternalBudget() {
    FakeBudget engine = new FakeBudget(1);
    Policy p =
        Policy.builder("search")
            .retry(
                RetryConfig.builder()
                    .maxRetries(0)
                    .budget(RetryBudget.external("search-api", engine))
                    .build())
            .hedge(HedgeConfig.ofDelay(Duration.ofMillis(100)))
            .scheduler(scheduler)
            .executor(Runnable::run)
            .build();
    policies.add(p);
    List<CompletableFuture<String>> runs = new ArrayList<>();

    CompletableFuture<String> one =
        p.executeAsync(
            () -> {
              CompletableFuture<String> run = new CompletableFuture<>();
              runs.add(run);
              return run;
            });
    scheduler.advance(Duration.ofMillis(100));
    assertThat(runs).hasSize(2);
    runs.get(1).complete("hedge");
    assertThat(one.join()).isEqualTo("hedge");

    CompletableFuture<String> two =
        p.executeAsync(
            () -> {
              CompletableFuture<String> run = new CompletableFuture<>();
              runs.add(run);
              return run;
            });
    scheduler.advance(Duration.ofMillis(500));
    assertThat(runs).hasSize(3);
    runs.get(2).complete("slow");
    assertThat(two.join()).isEqualTo("slow");

    assertThat(engine.asks).hasValue(2);
    assertThat(engine.calls).hasValue(2);
    assertThat(p.hedging().orElseThrow().hedgesStarted()).isEqualTo(1);
    assertThat(p.hedging().orElseThrow().hedgesDeniedByBudget()).isEqualTo(1);
  }

  @Test
  void anExternalBudgetIsSharedNamedAndEqualOnlyToItself() {
    FakeBudget engine = new FakeBudget(3);
    RetryBudget budget = RetryBudget.external("payments-api", engine);

    assertThat(budget.rule()).isEqualTo(RetryBudget.Rule.EXTERNAL);
    assertThat(budget.isShared()).isTrue();
    assertThat(budget.sharedName()).contains("payments-api");
    assertThat(budget.available()).isEqualTo(3.0);
    assertThat(budget.rejections()).isZero();
    assertThat(budget).isEqualTo(budget).isNotEqualTo(RetryBudget.external("payments-api", engine));
    assertThat(budget.toString())
        .startsWith("RetryBudget[rule=external, shared=payments-api, engine=");
    RetryBudget renamed = budget.shared("refunds-api");
    assertThat(renamed.rule()).isEqualTo(RetryBudget.Rule.EXTERNAL);
    assertThat(renamed.sharedName()).contains("refunds-api");
    assertThat(renamed.available()).isEqualTo(3.0);
  }

  @Test
  void aBlankNameOrNoEngineIsRefused() {
    FakeBudget engine = new FakeBudget(1);
    assertThatThrownBy(() -> RetryBudget.external(" ", engine))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be blank, was \" \"");
    assertThatThrownBy(() -> RetryBudget.external("payments-api", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("budget");
  }

  @Test
  void aThrowingEngineRefusesTheRetryAndTheCallEndsWithItsOwnFailure() {
    FakeBudget engine =
        new FakeBudget(5) {
          @Override
          public boolean tryAcquire() {
            throw new IllegalStateException("engine bug");
          }

          @Override
          public void onCall() {
            throw new IllegalStateException("engine bug");
          }
        };
    RetryBudget budget = RetryBudget.external("payments-api", engine);
    Policy p = retrying("payments", budget, 3);

    assertThat(failingCall(p)).isEqualTo(1);
    assertThat(budget.rejections()).isEqualTo(1);
    assertThat(p.execute(() -> "ok")).isEqualTo("ok");
  }

  @Test
  void theBudgetRuleKeyDoesNotAcceptExternal() {
    ConfigSource source =
        ConfigSource.fromMap(
            "application.properties", Map.of("reliability.retry.payments.budget-rule", "external"));
    PolicyConfig code = PolicyConfig.builder().retry(RetryConfig.ofDefaults()).build();

    assertThatThrownBy(() -> code.withOverrides(source, "payments"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("one of ratio, token-bucket, percent-of-requests");
  }

  @Test
  void configurationKeysCannotRetuneAnExternalBudget() {
    RetryBudget budget = RetryBudget.external("payments-api", new FakeBudget(1));
    ConfigSource source =
        ConfigSource.fromMap(
            "application.properties", Map.of("reliability.retry.payments.budget-ratio", "0.5"));
    PolicyConfig code =
        PolicyConfig.builder().retry(RetryConfig.builder().budget(budget).build()).build();

    assertThatThrownBy(() -> code.withOverrides(source, "payments"))
        .hasMessageContaining(
            "budget-ratio must be unset for a policy whose code gives it the shared budget"
                + " 'payments-api'");
  }

  @Test
  void aHedgesOwnBudgetCannotBeExternal() {
    RetryBudget budget = RetryBudget.external("payments-api", new FakeBudget(1));
    assertThatThrownBy(() -> HedgeConfig.builder().budget(budget))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("budget must be a per-policy ratio budget");
  }

  @Test
  void aRegistrysBudgetGroupCanBeExternalAndSurvivesAReconfiguration() {
    FakeBudget engine = new FakeBudget(1);
    RetryBudget budget = RetryBudget.external("payments-api", engine);
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .defaultTemplate(
                PolicyConfig.builder()
                    .retry(
                        RetryConfig.builder()
                            .maxRetries(2)
                            .jitter(Jitter.NONE)
                            .backoff(Backoff.fixed(Duration.ofMillis(10)))
                            .budgetGroup("payments-api")
                            .build())
                    .build())
            .retryBudget("payments-api", budget)
            .scheduler(scheduler)
            .build()) {
      Policy charges = registry.policy("charges");
      assertThat(charges.config().retry().orElseThrow().budget()).containsSame(budget);

      registry.reconfigure(
          "charges",
          PolicyConfig.builder()
              .retry(
                  RetryConfig.builder()
                      .maxRetries(3)
                      .jitter(Jitter.NONE)
                      .backoff(Backoff.fixed(Duration.ofMillis(10)))
                      .budgetGroup("payments-api")
                      .build())
              .build());

      assertThat(charges.config().retry().orElseThrow().budget()).containsSame(budget);
      assertThat(failingCall(charges)).isEqualTo(2);
      assertThat(failingCall(charges)).isEqualTo(1);
      assertThat(engine.calls).hasValue(2);
      assertThat(budget.rejections()).isEqualTo(2);
    }
  }
}
