package dev.reliability.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.core.policy.RetryBudget;
import dev.reliability.core.policy.RetryConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples of the section "Retry budgets" in docs/retry.md. */
class RetryBudgetGuideTest {

  @Test
  void theTwoNewRules() {
    RetryConfig grpc = RetryConfig.builder().budget(RetryBudget.tokenBucket(10, 0.1)).build();
    RetryConfig finagle =
        RetryConfig.builder()
            .budget(RetryBudget.percentOfRequests(0.2, Duration.ofSeconds(10), 10))
            .build();

    assertThat(grpc.budget().orElseThrow().rule()).isEqualTo(RetryBudget.Rule.TOKEN_BUCKET);
    assertThat(finagle.budget().orElseThrow().ttl()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aBudgetSharedInCode() {
    RetryBudget paymentsApi = RetryBudget.tokenBucket(10, 0.1).shared("payments-api");
    PolicyConfig payments =
        PolicyConfig.builder().retry(RetryConfig.builder().budget(paymentsApi).build()).build();
    Policy charges = Policy.builder("charges").config(payments).build();
    Policy refunds = Policy.builder("refunds").config(payments).build();

    try (charges;
        refunds) {
      assertThat(charges.config().retry().orElseThrow().budget()).containsSame(paymentsApi);
      assertThat(refunds.config().retry().orElseThrow().budget()).containsSame(paymentsApi);
    }
  }

  @Test
  void aBudgetGroupFromConfiguration() {
    ConfigSource source =
        ConfigSource.fromMap(
            "application.properties",
            Map.of("reliability.retry.charges.budget-group", "payments-api"));
    PolicyRegistry registry =
        PolicyRegistry.builder()
            .retryBudget("payments-api", RetryBudget.tokenBucket(10, 0.1))
            .configSource(source)
            .build();
    Policy charges = registry.policy("charges"); // budget-group=payments-api in the source

    try (registry) {
      assertThat(charges.config().retry().orElseThrow().budget().orElseThrow().sharedName())
          .contains("payments-api");
    }
  }
}
