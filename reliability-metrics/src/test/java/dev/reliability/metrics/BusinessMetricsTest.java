package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.error.StandardErrorCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BusinessMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final BusinessMetrics business = BusinessMetrics.of(registry, "shop");

  @Test
  void outcomeCounterCountsSuccessesAndClassifiedFailures() {
    OutcomeCounter orders = business.outcomes("orders");
    assertThat(registry.get("shop.orders").tag("outcome", "success").counter().count()).isZero();

    orders.success();
    orders.success();
    orders.failure(new ServiceTimeoutException("pricing", Duration.ofSeconds(2)));
    orders.failure(StandardErrorCode.DATA_VALIDATION_ERROR);
    orders.failure((Throwable) null);
    orders.record("cached");

    assertThat(counter("shop.orders", "success", "none")).isEqualTo(2.0);
    assertThat(counter("shop.orders", "failure", "SERVICE_TIMEOUT")).isEqualTo(1.0);
    assertThat(counter("shop.orders", "failure", "DATA_VALIDATION_ERROR")).isEqualTo(1.0);
    assertThat(counter("shop.orders", "failure", "INTERNAL_ERROR")).isEqualTo(1.0);
    assertThat(counter("shop.orders", "cached", "none")).isEqualTo(1.0);
  }

  @Test
  void outcomesBeyondTheCapAreCountedAsOverflow() {
    OutcomeCounter jobs = business.outcomes("jobs");
    for (int i = 0; i < 25; i++) {
      jobs.record("outcome" + i);
    }
    assertThat(counter("shop.jobs", CardinalityGuard.OVERFLOW, "none")).isEqualTo(6.0);
  }

  private double counter(String name, String outcome, String code) {
    return registry.get(name).tag("outcome", outcome).tag("error_code", code).counter().count();
  }

  @Test
  void costCounterRecordsByProviderAndUnitAndIgnoresNegativeAmounts() {
    CostCounter cost = business.cost("api");
    cost.add("gemini", "usd", 0.25);
    cost.add("gemini", "usd", 0.5);
    cost.add("gemini", "tokens", 1_250);
    cost.add("gemini", "usd", -1);
    cost.add("gemini", "usd", Double.NaN);

    assertThat(
            registry
                .get("shop.api.cost")
                .tag("provider", "gemini")
                .tag("unit", "usd")
                .counter()
                .count())
        .isEqualTo(0.75);
    assertThat(
            registry
                .get("shop.api.cost")
                .tag("provider", "gemini")
                .tag("unit", "tokens")
                .counter()
                .count())
        .isEqualTo(1_250.0);
  }

  @Test
  void keyedCounterCapsKeys() {
    KeyedCounter perTenant = business.keyed("requests", "tenant", 2);
    perTenant.increment("acme");
    perTenant.increment("globex");
    perTenant.increment("initech");
    perTenant.increment("hooli", 3);
    perTenant.increment("acme", -4);

    assertThat(registry.get("shop.requests").tag("tenant", "acme").counter().count()).isEqualTo(1);
    assertThat(
            registry
                .get("shop.requests")
                .tag("tenant", CardinalityGuard.OVERFLOW)
                .counter()
                .count())
        .isEqualTo(4);
    assertThat(perTenant.guard().overflowCount()).isEqualTo(2);
  }

  @Test
  void cacheMetricsUseCaffeinesStatsAndRejectACacheWithoutThem() {
    Cache<String, String> cache = Caffeine.newBuilder().maximumSize(10).recordStats().build();
    CacheMetrics.monitor(registry, cache, "reports");
    cache.put("a", "1");
    cache.getIfPresent("a");
    cache.getIfPresent("b");

    assertThat(
            registry
                .get("cache.gets")
                .tag("cache", "reports")
                .tag("result", "hit")
                .functionCounter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            registry
                .get("cache.gets")
                .tag("cache", "reports")
                .tag("result", "miss")
                .functionCounter()
                .count())
        .isEqualTo(1.0);

    Cache<String, String> plain = Caffeine.newBuilder().build();
    assertThatThrownBy(() -> CacheMetrics.monitor(registry, plain, "plain"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cache plain must be built with Caffeine.newBuilder().recordStats(), was not recording"
                + " statistics");
  }

  @Test
  void prefixIsValidated() {
    assertThat(business.name("orders")).isEqualTo("shop.orders");
    assertThatThrownBy(() -> BusinessMetrics.of(registry, "Shop"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefix must be lower-case words joined by '.', was \"Shop\"");
  }
}
