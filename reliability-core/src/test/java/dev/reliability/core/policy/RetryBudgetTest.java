package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The three budget rules on a policy, per policy and shared, on the manual clock. */
class RetryBudgetTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final AtomicInteger attempts = new AtomicInteger();

  private Policy policy(String name, RetryBudget budget) {
    return Policy.builder(name).retry(retry(budget)).scheduler(scheduler).build();
  }

  private Policy asyncPolicy(String name, RetryBudget budget) {
    return Policy.builder(name)
        .retry(retry(budget))
        .scheduler(scheduler)
        .executor(Runnable::run)
        .build();
  }

  /** One retry at most, without waiting, so only the budget decides. */
  private static RetryConfig retry(RetryBudget budget) {
    return RetryConfig.builder()
        .maxRetries(1)
        .jitter(Jitter.NONE)
        .backoff(Backoff.fixed(Duration.ZERO))
        .budget(budget)
        .build();
  }

  /** Makes one call that fails on every attempt and returns the attempts it made. */
  private int failingCall(Policy p) {
    int before = attempts.get();
    Supplier<String> down =
        () -> {
          attempts.incrementAndGet();
          throw new ServiceUnavailableException("payments-api", "down");
        };
    assertThatThrownBy(() -> p.execute(down)).isInstanceOf(ServiceUnavailableException.class);
    return attempts.get() - before;
  }

  private int failingAsyncCall(Policy p) {
    int before = attempts.get();
    CompletableFuture<String> f =
        p.executeAsync(
            () -> {
              attempts.incrementAndGet();
              return CompletableFuture.failedFuture(
                  new ServiceUnavailableException("payments-api", "down"));
            });
    scheduler.advance(Duration.ZERO);
    assertThat(f).isCompletedExceptionally();
    return attempts.get() - before;
  }

  private static void succeed(Policy p, int times) {
    for (int i = 0; i < times; i++) {
      assertThat(p.execute(() -> "ok")).isEqualTo("ok");
    }
  }

  @Test
  void tokenBucketRetriesOnlyWhileMoreThanHalfTheTokensAreLeft() {
    Policy p = policy("payments", RetryBudget.tokenBucket(10, 0.1));
    Retry retry = p.retry().orElseThrow();

    // Each failed attempt takes a token; a retry needs more than 5 left after the failure.
    assertThat(failingCall(p)).isEqualTo(2); // 10 -> 9, retried, -> 8
    assertThat(failingCall(p)).isEqualTo(2); // 8 -> 7, retried, -> 6
    assertThat(failingCall(p)).isEqualTo(1); // 6 -> 5: not more than half
    assertThat(failingCall(p)).isEqualTo(1); // 5 -> 4
    assertThat(retry.budgetAvailable()).isEqualTo(4.0);
    assertThat(retry.budgetRejections()).isEqualTo(2);
    assertThat(retry.retries()).isEqualTo(2);
  }

  @Test
  void tokenBucketRecoversWithSuccessesAtTheTokenRatio() {
    Policy p = policy("payments", RetryBudget.tokenBucket(10, 0.1));
    Retry retry = p.retry().orElseThrow();
    for (int i = 0; i < 4; i++) {
      failingCall(p);
    }
    assertThat(retry.budgetAvailable()).isEqualTo(4.0);

    succeed(p, 20);
    assertThat(retry.budgetAvailable()).isCloseTo(6.0, offset(1e-9));
    assertThat(failingCall(p)).isEqualTo(1); // 6 -> 5: still refused

    succeed(p, 11);
    assertThat(retry.budgetAvailable()).isCloseTo(6.1, offset(1e-9));
    assertThat(failingCall(p)).isEqualTo(2); // 6.1 -> 5.1: retried
  }

  @Test
  void aSuccessOnThePolicysGeneralPathPutsATokenBackInTheTokenBucket() {
    // A listener sends every call through the general loop, whose success skipped the budget.
    RetryBudget shared = RetryBudget.tokenBucket(10, 1.0).shared("payments-api");
    Policy p =
        Policy.builder("payments")
            .retry(retry(shared))
            .listener(new RecordingListener())
            .scheduler(scheduler)
            .build();
    failingCall(p);
    assertThat(shared.available()).isEqualTo(8.0);

    succeed(p, 1);

    assertThat(shared.available()).isEqualTo(9.0);
    p.close();
  }

  @Test
  void tokenBucketNeverHoldsMoreThanItsCapacity() {
    Policy p = policy("payments", RetryBudget.tokenBucket(10, 0.1));
    succeed(p, 50);
    assertThat(p.retry().orElseThrow().budgetAvailable()).isEqualTo(10.0);
  }

  @Test
  void percentOfRequestsAllowsThatShareOfCallsAsRetries() {
    Policy p = policy("payments", RetryBudget.percentOfRequests(0.2, Duration.ofSeconds(10), 0));
    int[] made = new int[20];
    for (int i = 0; i < 20; i++) {
      made[i] = failingCall(p);
    }
    // A fifth of a retry per call, nothing saved up: every fifth call retries.
    assertThat(made).containsExactly(1, 1, 1, 1, 2, 1, 1, 1, 1, 2, 1, 1, 1, 1, 2, 1, 1, 1, 1, 2);
    assertThat(p.retry().orElseThrow().budgetRejections()).isEqualTo(16);
  }

  @Test
  void percentOfRequestsFloorAllowsRetriesWithoutCallsAndComesBackAfterTheTtl() {
    Policy p = policy("payments", RetryBudget.percentOfRequests(0.0, Duration.ofSeconds(10), 1));
    Retry retry = p.retry().orElseThrow();
    assertThat(retry.budgetAvailable()).isEqualTo(10.0);
    for (int i = 0; i < 10; i++) {
      assertThat(failingCall(p)).isEqualTo(2);
    }
    assertThat(failingCall(p)).isEqualTo(1);
    assertThat(retry.budgetAvailable()).isZero();

    // The withdrawals count for one TTL and at most one slice (a tenth of it) more.
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(failingCall(p)).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(retry.budgetAvailable()).isEqualTo(10.0);
    assertThat(failingCall(p)).isEqualTo(2);
  }

  @Test
  void percentOfRequestsForgetsCallsAfterTheTtl() {
    Policy p = policy("payments", RetryBudget.percentOfRequests(0.5, Duration.ofSeconds(10), 0));
    succeed(p, 10);
    assertThat(p.retry().orElseThrow().budgetAvailable()).isEqualTo(5.0);
    scheduler.advance(Duration.ofSeconds(11));
    assertThat(p.retry().orElseThrow().budgetAvailable()).isZero();
    assertThat(failingCall(p)).isEqualTo(1); // its own half retry is not enough
  }

  @Test
  void aSharedBudgetDrainedByOnePolicyRefusesTheOthersRetries() {
    RetryBudget shared = RetryBudget.tokenBucket(10, 0.1).shared("payments-api");
    Policy charges = policy("charges", shared);
    Policy refunds = policy("refunds", shared);
    Policy alone = policy("ledger", RetryBudget.tokenBucket(10, 0.1));

    failingCall(charges);
    failingCall(charges);
    failingCall(charges); // 6 -> 5: refused; the shared bucket holds 5
    assertThat(shared.available()).isEqualTo(5.0);

    assertThat(failingCall(refunds)).isEqualTo(1);
    assertThat(refunds.retry().orElseThrow().retries()).isZero();
    assertThat(refunds.retry().orElseThrow().budgetRejections()).isEqualTo(1);
    assertThat(refunds.retry().orElseThrow().budgetAvailable()).isEqualTo(4.0);
    assertThat(shared.rejections()).isEqualTo(2);
    // A policy with a budget of the same values but not shared keeps its own bucket.
    assertThat(failingCall(alone)).isEqualTo(2);

    // Successes through either policy refill the one bucket.
    succeed(refunds, 21);
    assertThat(failingCall(charges)).isEqualTo(2);
  }

  @Test
  void aSharedPercentBudgetCountsTheCallsOfEveryPolicy() {
    RetryBudget shared =
        RetryBudget.percentOfRequests(0.25, Duration.ofSeconds(10), 0)
            .shared("inventory", scheduler.timeSource());
    Policy[] keys = new Policy[4];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = policy("inventory-" + i, shared);
    }
    int total = 0;
    for (int round = 0; round < 10; round++) {
      for (Policy key : keys) {
        total += failingCall(key);
      }
    }
    // 40 calls earn 10 retries, whichever key makes them.
    assertThat(total).isEqualTo(50);
    assertThat(shared.rejections()).isEqualTo(30);
  }

  @Test
  void aSharedBudgetWorksForAsynchronousCalls() {
    RetryBudget shared = RetryBudget.tokenBucket(4, 0.5).shared("search");
    Policy one = asyncPolicy("search-eu", shared);
    Policy two = asyncPolicy("search-us", shared);

    assertThat(failingAsyncCall(one)).isEqualTo(2); // 4 -> 3, more than half: retried, -> 2
    assertThat(shared.available()).isEqualTo(2.0);
    assertThat(failingAsyncCall(two)).isEqualTo(1); // 2 -> 1: refused
    assertThat(two.retry().orElseThrow().budgetRejections()).isEqualTo(1);
  }

  @Test
  void aPerPolicyBudgetOfTheSameValuesIsNotShared() {
    RetryBudget budget = RetryBudget.tokenBucket(10, 0.1);
    Policy one = policy("one", budget);
    Policy two = policy("two", budget);
    for (int i = 0; i < 4; i++) {
      failingCall(one);
    }
    assertThat(failingCall(two)).isEqualTo(2);
  }

  @Test
  void aSharedBudgetEqualsOnlyItself() {
    RetryBudget rule = RetryBudget.tokenBucket(10, 0.1);
    RetryBudget a = rule.shared("a");
    assertThat(a).isEqualTo(a).isNotEqualTo(rule.shared("a")).isNotEqualTo(rule);
    assertThat(rule).isEqualTo(RetryBudget.tokenBucket(10, 0.1));
    assertThat(a.sharedName()).contains("a");
    assertThat(a.isShared()).isTrue();
    assertThat(rule.available()).isEqualTo(-1);
    assertThat(a.toString())
        .isEqualTo("RetryBudget[rule=token-bucket, maxTokens=10, tokenRatio=0.1, shared=a]");
    assertThat(RetryBudget.percentOfRequests(0.2, Duration.ofSeconds(10), 10).toString())
        .isEqualTo(
            "RetryBudget[rule=percent-of-requests, percentCanRetry=0.2, ttl=PT10S,"
                + " minRetriesPerSecond=10]");
  }

  @Test
  void rejectsValuesOutOfRange() {
    assertThatThrownBy(() -> RetryBudget.tokenBucket(0, 0.1))
        .hasMessage("budget-max-tokens must be a whole number between 1 and 1000, was 0");
    assertThatThrownBy(() -> RetryBudget.tokenBucket(10, 0.0))
        .hasMessageStartingWith("budget-token-ratio must be");
    assertThatThrownBy(() -> RetryBudget.percentOfRequests(0.2, Duration.ofMillis(10), 10))
        .hasMessageStartingWith("budget-ttl must be");
    assertThatThrownBy(() -> RetryBudget.percentOfRequests(0.2, Duration.ofSeconds(10), -1))
        .hasMessage(
            "budget-min-retries-per-second must be a whole number between 0 and 100000, was -1");
    assertThatThrownBy(() -> RetryBudget.of(0.2, 10).shared(" "))
        .hasMessage("name must not be blank, was \" \"");
  }

  @Test
  void hedgesOwnBudgetMustBeAPerPolicyRatioBudget() {
    assertThatThrownBy(() -> HedgeConfig.builder().budget(RetryBudget.tokenBucket(10, 0.1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("budget must be a per-policy ratio budget");
    assertThatThrownBy(() -> HedgeConfig.builder().budget(RetryBudget.of(0.1, 10).shared("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRulesComeFromAConfigSource() {
    ConfigSource source =
        ConfigSource.fromMap(
            "application.properties",
            Map.of(
                "reliability.retry.payments.budget-rule", "token-bucket",
                "reliability.retry.payments.budget-max-tokens", "20",
                "reliability.retry.search.budget-rule", "percent-of-requests",
                "reliability.retry.search.budget-ttl", "30s",
                "reliability.retry.ledger.budget-min-retries-per-second", "3"));
    PolicyConfig code =
        PolicyConfig.builder()
            .retry(
                RetryConfig.builder()
                    .budget(RetryBudget.percentOfRequests(0.1, Duration.ofSeconds(5), 1))
                    .build())
            .build();

    assertThat(code.withOverrides(source, "payments").retry().orElseThrow().budget())
        .contains(RetryBudget.tokenBucket(20, 0.1));
    assertThat(code.withOverrides(source, "search").retry().orElseThrow().budget())
        .contains(RetryBudget.percentOfRequests(0.1, Duration.ofSeconds(30), 1));
    assertThat(code.withOverrides(source, "ledger").retry().orElseThrow().budget())
        .contains(RetryBudget.percentOfRequests(0.1, Duration.ofSeconds(5), 3));
    assertThat(code.withOverrides(source, "other").retry().orElseThrow().budget())
        .contains(RetryBudget.percentOfRequests(0.1, Duration.ofSeconds(5), 1));
  }

  @Test
  void aSharedBudgetSurvivesAConfigSourceThatDoesNotNameTheBudget() {
    RetryBudget shared = RetryBudget.of(0.2, 10).shared("payments-api");
    ConfigSource source =
        ConfigSource.fromMap(
            "application.properties", Map.of("reliability.retry.payments.max-retries", "5"));
    PolicyConfig code =
        PolicyConfig.builder().retry(RetryConfig.builder().budget(shared).build()).build();
    assertThat(code.withOverrides(source, "payments").retry().orElseThrow().budget().orElseThrow())
        .isSameAs(shared);
  }

  @Test
  void aConfigSourceCannotRetuneASharedBudgetForOnePolicy() {
    RetryBudget shared = RetryBudget.tokenBucket(10, 0.1).shared("payments-api");
    ConfigSource source =
        ConfigSource.fromMap(
            "application.properties", Map.of("reliability.retry.payments.budget-max-tokens", "20"));
    PolicyConfig code =
        PolicyConfig.builder().retry(RetryConfig.builder().budget(shared).build()).build();
    assertThatThrownBy(() -> code.withOverrides(source, "payments"))
        .hasMessageContaining(
            "budget-max-tokens must be unset for a policy whose code gives it the shared budget"
                + " 'payments-api' (use budget-group to pick another), was 20");
  }

  @Test
  void policiesNamingABudgetGroupInTheConfigSourceShareTheRegistrysBudget() {
    ConfigSource source =
        ConfigSource.fromMap(
            "application.properties",
            Map.of(
                "reliability.retry.charges.budget-group", "payments-api",
                "reliability.retry.refunds.budget-group", "payments-api"));
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(source)
            .defaultTemplate(
                PolicyConfig.builder().retry(retry(RetryBudget.tokenBucket(10, 0.1))).build())
            .retryBudget("payments-api", RetryBudget.tokenBucket(10, 0.1))
            .scheduler(scheduler)
            .build()) {
      Policy charges = registry.policy("charges");
      Policy refunds = registry.policy("refunds");
      Policy ledger = registry.policy("ledger");
      RetryBudget shared = charges.config().retry().orElseThrow().budget().orElseThrow();
      assertThat(shared.sharedName()).contains("payments-api");
      assertThat(refunds.config().retry().orElseThrow().budget()).containsSame(shared);

      failingCall(charges);
      failingCall(charges);
      failingCall(charges);
      assertThat(failingCall(refunds)).isEqualTo(1);
      // A policy that names no group keeps the template's budget, its own.
      assertThat(failingCall(ledger)).isEqualTo(2);
    }
  }

  @Test
  void everyKeyBuiltFromATemplateNamingAGroupDrawsOnOneBudget() {
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(ConfigSource.fromMap("empty", Map.of()))
            .template(
                "inventory",
                PolicyConfig.builder()
                    .retry(
                        RetryConfig.builder()
                            .maxRetries(1)
                            .jitter(Jitter.NONE)
                            .backoff(Backoff.fixed(Duration.ZERO))
                            .budgetGroup("inventory-api")
                            .build())
                    .build())
            .retryBudget(
                "inventory-api", RetryBudget.percentOfRequests(0.0, Duration.ofSeconds(10), 1))
            .scheduler(scheduler)
            .build()) {
      int retries = 0;
      for (int i = 0; i < 20; i++) {
        retries += failingCall(registry.policy("inventory-" + (i % 5), "inventory")) - 1;
      }
      // The floor of 1 retry a second over 10 s, for all five keys together.
      assertThat(retries).isEqualTo(10);
    }
  }

  @Test
  void anUnknownBudgetGroupFailsThePolicysCreation() {
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(
                ConfigSource.fromMap(
                    "application.properties",
                    Map.of("reliability.retry.charges.budget-group", "payments")))
            .defaultTemplate(PolicyConfig.builder().retry(RetryConfig.ofDefaults()).build())
            .retryBudget("payments-api", RetryBudget.of(0.2, 10))
            .build()) {
      assertThatThrownBy(() -> registry.policy("charges"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "budget-group must be one of [payments-api] (the budgets given to"
                  + " PolicyRegistry.Builder.retryBudget), was \"payments\"");
    }
  }

  @Test
  void everyKeyOfAKeyedPolicyDrawsOnTheSharedBudgetOfItsTemplate() {
    RetryBudget perHost = RetryBudget.tokenBucket(10, 0.1).shared("downstream");
    try (KeyedPolicy downstream =
        KeyedPolicy.builder("downstream")
            .template(PolicyConfig.builder().retry(retry(perHost)).build())
            .scheduler(scheduler)
            .build()) {
      failingCall(downstream.policy("a.example.com"));
      failingCall(downstream.policy("b.example.com"));
      // 10 -> 9 -> 8 for host a, 8 -> 7 -> 6 for host b; host c finds the shared bucket at 6.
      assertThat(failingCall(downstream.policy("c.example.com"))).isEqualTo(1);
      assertThat(perHost.rejections()).isEqualTo(1);
    }
  }

  @Test
  void aRegistrysKeyedPolicyWhoseTemplateNamesAGroupSharesItsBudgetAcrossKeys() {
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(ConfigSource.fromMap("empty", Map.of()))
            .template(
                "http",
                PolicyConfig.builder()
                    .retry(
                        RetryConfig.builder()
                            .maxRetries(1)
                            .jitter(Jitter.NONE)
                            .backoff(Backoff.fixed(Duration.ZERO))
                            .budgetGroup("downstream-api")
                            .build())
                    .build())
            .retryBudget("downstream-api", RetryBudget.tokenBucket(10, 0.1))
            .scheduler(scheduler)
            .build()) {
      KeyedPolicy perHost = registry.keyed("downstream", "http");
      failingCall(perHost.policy("a.example.com"));
      failingCall(perHost.policy("b.example.com"));
      assertThat(failingCall(perHost.policy("c.example.com"))).isEqualTo(1);
    }
  }

  @Test
  void aReloadedPolicyKeepsDrawingOnItsBudgetGroup() {
    ConfigSource first =
        ConfigSource.fromMap(
            "application.properties",
            Map.of("reliability.retry.charges.budget-group", "payments-api"));
    RetryBudget shared = RetryBudget.tokenBucket(10, 0.1).shared("payments-api");
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(first)
            .defaultTemplate(
                PolicyConfig.builder().retry(retry(RetryBudget.tokenBucket(10, 0.1))).build())
            .retryBudget("payments-api", shared)
            .scheduler(scheduler)
            .build()) {
      Policy charges = registry.policy("charges");
      registry.reload(
          ConfigSource.fromMap(
              "application.properties",
              Map.of(
                  "reliability.retry.charges.budget-group", "payments-api",
                  "reliability.retry.charges.max-retries", "2")));
      assertThat(charges.config().retry().orElseThrow().maxRetries()).isEqualTo(2);
      assertThat(charges.config().retry().orElseThrow().budget()).containsSame(shared);
      failingCall(charges); // 10 -> 9, 8 retried; 8 -> 7: the third attempt takes a token too
      assertThat(shared.available()).isEqualTo(7.0);

      assertThatThrownBy(
              () ->
                  registry.reload(
                      ConfigSource.fromMap(
                          "application.properties",
                          Map.of("reliability.retry.charges.budget-group", "payments"))))
          .hasMessageContaining("budget-group must be one of [payments-api]");
      assertThat(charges.config().retry().orElseThrow().budget()).containsSame(shared);
    }
  }
}
