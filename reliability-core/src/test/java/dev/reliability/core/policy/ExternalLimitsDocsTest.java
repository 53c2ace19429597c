package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.policy.ExternalFakes.FakeBudget;
import dev.reliability.core.policy.ExternalFakes.FakeBulkhead;
import dev.reliability.core.policy.ExternalFakes.FakeLimiter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The examples of "Limits kept elsewhere" (fault tolerance) and of keyed policies' own limits. */
class ExternalLimitsDocsTest {

  /** A limiter that hands out one limiter per key, as a fleet-wide limiter does. */
  static final class KeyedFakeLimiter extends FakeLimiter {
    final Map<String, FakeLimiter> keys = new ConcurrentHashMap<>();

    FakeLimiter forKey(String key) {
      return keys.computeIfAbsent(key, k -> new FakeLimiter());
    }
  }

  private final KeyedFakeLimiter fleetLimiter = new KeyedFakeLimiter();
  private final FakeBulkhead fleetBulkhead = new FakeBulkhead(1);
  private final FakeBudget fleetBudget = new FakeBudget(0);

  @Test
  void aPolicyOnFleetWideLimits() {
    Policy partner =
        Policy.builder("partner-api")
            .rateLimiter(fleetLimiter)
            .bulkhead(fleetBulkhead)
            .retry(
                RetryConfig.builder()
                    .maxRetries(2)
                    .budget(RetryBudget.external("partner-api", fleetBudget))
                    .build())
            .build();

    try (partner) {
      assertThat(partner.execute(() -> "ok")).isEqualTo("ok");
      assertThat(fleetLimiter.asked).hasSize(1);
      assertThat(fleetBulkhead.released).hasValue(1);

      fleetLimiter.answer(-Duration.ofSeconds(2).toNanos());
      assertThatThrownBy(() -> partner.execute(() -> "refused"))
          .isInstanceOfSatisfying(
              RateLimitExceededException.class,
              e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(2)));

      assertThat(fleetBulkhead.tryAcquire()).isTrue(); // another instance holds the permit
      assertThatThrownBy(() -> partner.execute(() -> "refused"))
          .isInstanceOf(BulkheadFullException.class);
      fleetBulkhead.release();

      // An empty fleet budget: the failure is not retried.
      assertThatThrownBy(() -> partner.execute(Failures::unavailable))
          .isInstanceOf(dev.reliability.core.error.ServiceUnavailableException.class);
      assertThat(fleetBudget.asks).hasValue(1);
    }
  }

  @Test
  void eachTenantOnItsOwnFleetWideLimit() {
    KeyedPolicy perTenant =
        KeyedPolicy.builder("partner-api")
            .perKey((tenant, b) -> b.rateLimiter(fleetLimiter.forKey(tenant)))
            .build();

    try (perTenant) {
      perTenant.execute("acme", () -> "a");
      perTenant.execute("globex", () -> "g");
      assertThat(fleetLimiter.keys).containsOnlyKeys("acme", "globex");
      assertThat(fleetLimiter.keys.get("acme").asked).hasSize(1);
    }
  }

  @Test
  void eachTenantOfARegistrysKeyedPolicyOnItsOwnFleetWideLimit() {
    try (PolicyRegistry registry = PolicyRegistry.builder().build()) {
      KeyedPolicy perTenant =
          registry.keyed(
              "partner-api",
              null,
              KeyedPolicyConfig.ofDefaults(),
              (tenant, b) -> b.rateLimiter(fleetLimiter.forKey(tenant)));

      perTenant.execute("acme", () -> "a");
      assertThat(fleetLimiter.keys.get("acme").asked).hasSize(1);
    }
  }
}
