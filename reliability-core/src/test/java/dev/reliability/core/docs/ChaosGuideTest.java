package dev.reliability.core.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.ChaosConfig;
import dev.reliability.core.policy.ChaosKind;
import dev.reliability.core.policy.ChaosSwitch;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Fallback;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** The examples of docs/chaos.md. */
class ChaosGuideTest {

  private final AtomicInteger served = new AtomicInteger();

  private String quote() {
    served.incrementAndGet();
    return "ACME 101.00";
  }

  @Test
  void aPolicyCarriesTheRehearsalSwitchedOff() {
    Policy quotes =
        Policy.builder("quotes")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .retry(RetryConfig.builder().maxRetries(2).build())
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
            .chaos(
                ChaosConfig.builder()
                    .faultRate(0.3)
                    .latency(Duration.ofMillis(1500), 0.2)
                    .keys(Set.of("tenant-canary"))
                    .build())
            .build();

    ChaosSwitch chaos = quotes.chaos().orElseThrow();
    assertThat(chaos.isEnabled()).isFalse();
    assertThat(quotes.execute(this::quote)).isEqualTo("ACME 101.00");
    chaos.enable();
    try (ContextScope scope =
        RequestContext.builder("req-1").tenantId("tenant-paying").build().bind()) {
      assertThat(quotes.execute(this::quote)).isEqualTo("ACME 101.00");
    }
    assertThat(chaos.injections(ChaosKind.FAULT) + chaos.injections(ChaosKind.LATENCY)).isZero();
    assertThat(served).hasValue(2);
    quotes.close();
  }

  @Test
  void theSwitchTurnsTheRehearsalOnChangesItAndAbortsIt() {
    ManualScheduler scheduler = ManualScheduler.create();
    Policy quotes =
        Policy.builder("quotes")
            .scheduler(scheduler)
            .chaos(ChaosConfig.builder().latency(Duration.ofMillis(1500), 1.0).build())
            .build();

    ChaosSwitch chaos = quotes.chaos().orElseThrow();
    chaos.enable();

    assertThat(quotes.execute(this::quote)).isEqualTo("ACME 101.00");
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(1500));

    chaos.faultRate(0.5);
    chaos.latencyRate(0.0);

    assertThat(chaos.faultRate()).isEqualTo(0.5);

    chaos.disable();

    assertThat(quotes.execute(this::quote)).isEqualTo("ACME 101.00");
    assertThat(chaos.injections(ChaosKind.LATENCY)).isEqualTo(1);
  }

  @Test
  void anInjectedFailureSaysSo() {
    Policy quotes =
        Policy.builder("quotes")
            .chaos(ChaosConfig.builder().enabled(true).faultRate(1.0).build())
            .build();
    AtomicReference<Throwable> seen = new AtomicReference<>();

    quotes.execute(this::quote, Fallback.of(f -> record(seen, f)));

    Throwable failure = seen.get();
    boolean rehearsal = ChaosConfig.isInjected(failure);

    assertThat(rehearsal).isTrue();
    assertThat(failure)
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessage("Chaos: injected fault by policy 'quotes' (a rehearsal, not an outage)");
  }

  private static String record(AtomicReference<Throwable> seen, Throwable failure) {
    seen.set(failure);
    return "cached quote";
  }

  @Test
  void aKeySourceNarrowsTheBlastRadiusToOneRoute() {
    AtomicReference<String> currentRoute = new AtomicReference<>("/checkout");

    ChaosConfig byRoute =
        ChaosConfig.builder()
            .faultRate(1.0)
            .keys(Set.of("/checkout"))
            .keySource(() -> currentRoute.get())
            .build();

    Policy policy =
        Policy.builder("payments").chaos(byRoute.toBuilder().enabled(true).build()).build();
    assertThatThrownBy(() -> policy.execute(this::quote))
        .isInstanceOf(ServiceUnavailableException.class);
    currentRoute.set("/browse");
    assertThat(policy.execute(this::quote)).isEqualTo("ACME 101.00");
  }

  @Test
  void aTestDecidesEachInjectionWithItsOwnRandomNumbers() {
    DoubleSupplier firstTwoCallsFail = sequence(0.0, 0.0, 0.9);

    ChaosConfig chaos =
        ChaosConfig.builder().enabled(true).faultRate(0.5).random(firstTwoCallsFail).build();

    Policy policy =
        Policy.builder("quotes")
            .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(2).build())
            .chaos(chaos)
            .build();
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> policy.execute(this::quote))
          .isInstanceOf(ServiceUnavailableException.class);
    }
    assertThat(policy.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.OPEN);
    assertThatThrownBy(() -> policy.execute(this::quote)).isInstanceOf(CircuitOpenException.class);
  }

  private static DoubleSupplier sequence(double... values) {
    AtomicInteger next = new AtomicInteger();
    return () -> values[Math.min(next.getAndIncrement(), values.length - 1)];
  }
}
