package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.BadResponseException;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ChaosTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final AtomicInteger calls = new AtomicInteger();

  private String call() {
    calls.incrementAndGet();
    return "real";
  }

  private CompletableFuture<String> callAsync() {
    calls.incrementAndGet();
    return CompletableFuture.completedFuture("real");
  }

  /** Random numbers in the order given, then 0.99 (above every rate below 1). */
  private static DoubleSupplier sequence(double... values) {
    AtomicInteger next = new AtomicInteger();
    return () -> {
      int i = next.getAndIncrement();
      return i < values.length ? values[i] : 0.99;
    };
  }

  private Policy.Builder policy(ChaosConfig chaos) {
    return Policy.builder("quotes").scheduler(scheduler).executor(Runnable::run).chaos(chaos);
  }

  // ------------------------------------------------------------------ the three strategies

  @Test
  void anInjectedFaultReplacesTheCallAndSaysItIsARehearsal() {
    Policy policy = policy(ChaosConfig.builder().enabled(true).faultRate(1.0).build()).build();

    assertThatThrownBy(() -> policy.execute(this::call))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageStartingWith(ChaosConfig.FAULT_MESSAGE_PREFIX + " by policy 'quotes'")
        .satisfies(t -> assertThat(ChaosConfig.isInjected(t)).isTrue())
        .satisfies(
            t ->
                assertThat(t.getSuppressed()[0])
                    .hasMessageContaining("a rehearsal, not an outage"));
    assertThat(calls).hasValue(0);
    assertThat(policy.chaos().orElseThrow().injections(ChaosKind.FAULT)).isEqualTo(1);
    assertThat(ChaosConfig.isInjected(new ServiceUnavailableException("x", "real"))).isFalse();
    assertThat(ChaosConfig.isInjected(null)).isFalse();
  }

  @Test
  void anInjectedFaultFailsAnAsynchronousCallWithoutStartingIt() {
    Policy policy = policy(ChaosConfig.builder().enabled(true).faultRate(1.0).build()).build();

    CompletableFuture<String> result = policy.executeAsync(this::callAsync);

    assertThat(result).isCompletedExceptionally();
    assertThatThrownBy(result::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ServiceUnavailableException.class)
        .satisfies(t -> assertThat(ChaosConfig.isInjected(t)).isTrue());
    assertThat(calls).hasValue(0);
  }

  @Test
  void aSuppliedFaultIsThrownAndMarkedOnlyOnce() {
    BadResponseException shared = new BadResponseException("quotes", 502, "made up");
    Policy policy =
        policy(ChaosConfig.builder().enabled(true).fault(() -> shared, 1.0).build()).build();

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> policy.execute(this::call)).isSameAs(shared);
    }
    assertThat(shared.getSuppressed()).hasSize(1);
    assertThat(ChaosConfig.isInjected(shared)).isTrue();
  }

  @Test
  void aFaultSupplierThatFailsGivesTheDefaultFault() {
    Policy policy =
        policy(
                ChaosConfig.builder()
                    .enabled(true)
                    .fault(
                        () -> {
                          throw new IllegalStateException("broken supplier");
                        },
                        1.0)
                    .build())
            .build();

    assertThatThrownBy(() -> policy.execute(this::call))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageStartingWith(ChaosConfig.FAULT_MESSAGE_PREFIX);
  }

  @Test
  void injectedLatencyWaitsOnThePolicySchedulerThenRunsTheCall() {
    Policy policy =
        policy(ChaosConfig.builder().enabled(true).latency(Duration.ofMillis(700), 1.0).build())
            .build();

    assertThat(policy.execute(this::call)).isEqualTo("real");

    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(700));
    assertThat(calls).hasValue(1);
    assertThat(policy.chaos().orElseThrow().injections(ChaosKind.LATENCY)).isEqualTo(1);
  }

  @Test
  void injectedLatencyNeverOutlivesTheRequestsDeadline() {
    Policy policy =
        policy(ChaosConfig.builder().enabled(true).latency(Duration.ofSeconds(2), 1.0).build())
            .build();

    try (ContextScope scope =
        dev.reliability.core.context.Deadline.after(Duration.ofMillis(300), scheduler.timeSource())
            .bind()) {
      assertThatThrownBy(() -> policy.execute(this::call))
          .isInstanceOf(dev.reliability.core.error.DeadlineExceededException.class);
    }

    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(300));
    assertThat(calls).hasValue(0);
  }

  @Test
  void injectedAsynchronousLatencyEndsAtTheRequestsDeadlineWithoutStartingTheCall() {
    Policy policy =
        policy(ChaosConfig.builder().enabled(true).latency(Duration.ofSeconds(2), 1.0).build())
            .build();

    CompletableFuture<String> result;
    try (ContextScope scope =
        dev.reliability.core.context.Deadline.after(Duration.ofMillis(300), scheduler.timeSource())
            .bind()) {
      result = policy.executeAsync(this::callAsync);
    }

    scheduler.advance(Duration.ofMillis(299));
    assertThat(result).isNotDone();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(result)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(dev.reliability.core.error.DeadlineExceededException.class);
    scheduler.advance(Duration.ofSeconds(2));
    assertThat(calls).hasValue(0);
  }

  @Test
  void injectedLatencyDelaysTheStartOfAnAsynchronousAttemptOnTheTimer() {
    Policy policy =
        policy(ChaosConfig.builder().enabled(true).latency(Duration.ofMillis(700), 1.0).build())
            .build();

    CompletableFuture<String> result = policy.executeAsync(this::callAsync);

    assertThat(result).isNotDone();
    assertThat(calls).hasValue(0);
    scheduler.advance(Duration.ofMillis(699));
    assertThat(result).isNotDone();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(result).isCompletedWithValue("real");
    assertThat(calls).hasValue(1);
  }

  @Test
  void anErrorFromTheExecutorAfterAnInjectedDelayFailsTheCallAndLeavesTheTimerRunning() {
    Policy policy =
        Policy.builder("quotes")
            .scheduler(scheduler)
            .executor(
                r -> {
                  throw new OutOfMemoryError("unable to create native thread");
                })
            .chaos(ChaosConfig.builder().enabled(true).latency(Duration.ofMillis(700), 1.0).build())
            .build();

    CompletableFuture<String> first = policy.executeAsync(this::callAsync);
    scheduler.advance(Duration.ofMillis(700));
    CompletableFuture<String> second = policy.executeAsync(this::callAsync);
    scheduler.advance(Duration.ofMillis(700));

    for (CompletableFuture<String> result : List.of(first, second)) {
      assertThat(result)
          .failsWithin(Duration.ZERO)
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(OutOfMemoryError.class);
    }
    assertThat(calls).hasValue(0);
  }

  @Test
  void latencyCombinesWithAFaultIntoASlowFailure() {
    Policy policy =
        policy(
                ChaosConfig.builder()
                    .enabled(true)
                    .latency(Duration.ofSeconds(2), 1.0)
                    .faultRate(1.0)
                    .build())
            .build();

    CompletableFuture<String> async = policy.executeAsync(this::callAsync);
    scheduler.advance(Duration.ofSeconds(2));
    assertThat(async).isCompletedExceptionally();
    assertThatThrownBy(() -> policy.execute(this::call))
        .isInstanceOf(ServiceUnavailableException.class);

    assertThat(scheduler.sleeps()).containsExactly(Duration.ofSeconds(2));
    assertThat(calls).hasValue(0);
    ChaosSwitch chaos = policy.chaos().orElseThrow();
    assertThat(chaos.injections(ChaosKind.LATENCY)).isEqualTo(2);
    assertThat(chaos.injections(ChaosKind.FAULT)).isEqualTo(2);
  }

  @Test
  void anAsynchronousTimeLimitFiresOnInjectedLatencyAndCancelsItsTimer() {
    Policy policy =
        policy(ChaosConfig.builder().enabled(true).latency(Duration.ofSeconds(5), 1.0).build())
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(1)))
            .build();

    CompletableFuture<String> result = policy.executeAsync(this::callAsync);
    scheduler.advance(Duration.ofSeconds(1));

    assertThatThrownBy(result::get).cause().isInstanceOf(ServiceTimeoutException.class);
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(calls).hasValue(0);
    assertThat(scheduler.pendingTasks()).isZero();
  }

  @Test
  void aSubstituteResultReplacesTheCall() {
    Policy policy =
        policy(ChaosConfig.builder().enabled(true).result(() -> "stale", 1.0).build()).build();

    assertThat(policy.execute(this::call)).isEqualTo("stale");
    assertThat(policy.executeAsync(this::callAsync)).isCompletedWithValue("stale");

    assertThat(calls).hasValue(0);
    assertThat(policy.chaos().orElseThrow().injections(ChaosKind.RESULT)).isEqualTo(2);
  }

  @Test
  void theRandomSourceDecidesEachAttemptAgainstItsRate() {
    // Draws per attempt: latency (rate 0: none), fault, then result only when no fault.
    Policy policy =
        policy(
                ChaosConfig.builder()
                    .enabled(true)
                    .faultRate(0.3)
                    .result(() -> "stale", 0.5)
                    .random(sequence(0.29, 0.30, 0.49, 0.31, 0.50))
                    .build())
            .build();

    assertThatThrownBy(() -> policy.execute(this::call))
        .isInstanceOf(ServiceUnavailableException.class);
    assertThat(policy.execute(this::call)).isEqualTo("stale");
    assertThat(policy.execute(this::call)).isEqualTo("real");
  }

  // ------------------------------------------------------------------ the switch

  @Test
  void chaosIsOffUntilSwitchedOnAndOffAgainAtRunTime() {
    Policy policy = policy(ChaosConfig.builder().faultRate(1.0).build()).build();
    ChaosSwitch chaos = policy.chaos().orElseThrow();

    assertThat(chaos.isEnabled()).isFalse();
    assertThat(policy.execute(this::call)).isEqualTo("real");

    chaos.enable();
    assertThat(chaos.isEnabled()).isTrue();
    assertThatThrownBy(() -> policy.execute(this::call))
        .isInstanceOf(ServiceUnavailableException.class);

    chaos.faultRate(0.0);
    chaos.latency(Duration.ofMillis(50));
    chaos.latencyRate(1.0);
    assertThat(policy.execute(this::call)).isEqualTo("real");
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(50));

    chaos.disable();
    assertThat(policy.execute(this::call)).isEqualTo("real");
    assertThat(scheduler.sleeps()).hasSize(1);
    assertThat(calls).hasValue(3);
    assertThat(chaos.faultRate()).isZero();
    assertThat(chaos.latencyRate()).isEqualTo(1.0);
    assertThat(chaos.latency()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void switchingOffAppliesToTheNextAttemptOfACallAlreadyRunning() {
    java.util.concurrent.atomic.AtomicReference<ChaosSwitch> chaos =
        new java.util.concurrent.atomic.AtomicReference<>();
    Policy policy =
        policy(ChaosConfig.builder().enabled(true).faultRate(1.0).build())
            .retry(RetryConfig.builder().maxRetries(2).build())
            .listener(
                new PolicyListener() {
                  @Override
                  public void onRetry(
                      String p, Object h, int next, Throwable failure, long delayNanos) {
                    chaos.get().disable(); // the abort switch, pulled during the backoff
                  }
                })
            .build();
    chaos.set(policy.chaos().orElseThrow());

    assertThat(policy.execute(this::call)).isEqualTo("real");
    assertThat(chaos.get().injections(ChaosKind.FAULT)).isEqualTo(1);
    assertThat(calls).hasValue(1);
  }

  @Test
  void aReconfiguredPolicyTakesTheNewChaosValuesAndKeepsTheCounts() {
    PolicyRegistry registry = PolicyRegistry.builder().scheduler(scheduler).build();
    PolicyConfig faulty =
        PolicyConfig.builder()
            .chaos(ChaosConfig.builder().enabled(true).faultRate(1.0).build())
            .build();
    Policy policy = registry.policy("quotes");
    registry.reconfigure("quotes", faulty);
    assertThatThrownBy(() -> policy.execute(this::call))
        .isInstanceOf(ServiceUnavailableException.class);

    registry.reconfigure(
        "quotes",
        PolicyConfig.builder().chaos(ChaosConfig.builder().enabled(true).build()).build());

    assertThat(policy.execute(this::call)).isEqualTo("real");
    assertThat(policy.chaos().orElseThrow().faultRate()).isZero();
    assertThat(policy.chaos().orElseThrow().injections(ChaosKind.FAULT)).isEqualTo(1);
  }

  @Test
  void aPolicyWithoutChaosHasNoSwitch() {
    assertThat(Policy.builder("plain").build().chaos()).isEmpty();
  }

  @Test
  void theSwitchValidatesWithTheSettingsMessages() {
    ChaosSwitch chaos = policy(ChaosConfig.ofDefaults()).build().chaos().orElseThrow();

    assertThatThrownBy(() -> chaos.faultRate(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fault-rate must be a rate between 0.0 and 1.0, was 1.5");
    assertThatThrownBy(() -> chaos.latencyRate(-0.1))
        .hasMessage("latency-rate must be a rate between 0.0 and 1.0, was -0.1");
    assertThatThrownBy(() -> chaos.latency(Duration.ofDays(2)))
        .hasMessage("latency must be a duration between 0s and 1d, was 2d");
    assertThatThrownBy(() -> chaos.resultRate(0.5))
        .hasMessage("result-rate must be 0 when no result supplier is set, was 0.5");
    assertThat(chaos.faultRate()).isZero();
  }

  // ------------------------------------------------------------------ the key filter

  @Test
  void onlyCallsWhoseTenantIsAKeyAreTouched() {
    Policy policy =
        policy(ChaosConfig.builder().enabled(true).faultRate(1.0).keys(Set.of("canary")).build())
            .build();

    try (ContextScope scope = RequestContext.builder("r1").tenantId("canary").build().bind()) {
      assertThatThrownBy(() -> policy.execute(this::call))
          .isInstanceOf(ServiceUnavailableException.class);
      assertThat(policy.executeAsync(this::callAsync)).isCompletedExceptionally();
    }
    try (ContextScope scope = RequestContext.builder("r2").tenantId("paying").build().bind()) {
      assertThat(policy.execute(this::call)).isEqualTo("real");
      assertThat(policy.executeAsync(this::callAsync)).isCompletedWithValue("real");
    }
    assertThat(policy.execute(this::call)).isEqualTo("real");
    assertThat(calls).hasValue(3);
  }

  @Test
  void aKeySourceSuchAsTheRouteChoosesTheCalls() {
    String[] route = {"/quote"};
    Policy policy =
        policy(
                ChaosConfig.builder()
                    .enabled(true)
                    .result(() -> "stale", 1.0)
                    .keys(Set.of("/quote"))
                    .keySource(() -> route[0])
                    .build())
            .build();

    assertThat(policy.execute(this::call)).isEqualTo("stale");
    route[0] = "/health";
    assertThat(policy.execute(this::call)).isEqualTo("real");
    route[0] = null;
    assertThat(policy.execute(this::call)).isEqualTo("real");
  }

  @Test
  void aKeySourceThatThrowsLeavesTheCallUntouched() {
    Policy policy =
        policy(
                ChaosConfig.builder()
                    .enabled(true)
                    .faultRate(1.0)
                    .keys(Set.of("a"))
                    .keySource(
                        () -> {
                          throw new IllegalStateException("no route");
                        })
                    .build())
            .build();

    assertThat(policy.execute(this::call)).isEqualTo("real");
  }

  // ------------------------------------------------------------------ the chain reacts

  @Test
  void theBreakerOpensOnInjectedFaultsAsOnRealOnes() {
    Policy policy =
        policy(ChaosConfig.builder().enabled(true).faultRate(1.0).build())
            .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(3).build())
            .build();

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> policy.execute(this::call))
          .isInstanceOf(ServiceUnavailableException.class);
    }

    assertThat(policy.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.OPEN);
    assertThatThrownBy(() -> policy.execute(this::call)).isInstanceOf(CircuitOpenException.class);
    assertThat(policy.chaos().orElseThrow().injections(ChaosKind.FAULT)).isEqualTo(3);
  }

  @Test
  void theRetryRetriesAnInjectedFaultAndTheFallbackSeesIt() {
    Policy policy =
        policy(
                ChaosConfig.builder()
                    .enabled(true)
                    .faultRate(0.5)
                    .random(sequence(0.1, 0.9, 0.1, 0.1, 0.1))
                    .build())
            .retry(RetryConfig.builder().maxRetries(1).build())
            .build();

    assertThat(policy.execute(this::call)).isEqualTo("real");
    assertThat(calls).hasValue(1);
    assertThat(
            policy.execute(
                this::call, Fallback.of(f -> ChaosConfig.isInjected(f) ? "fallback" : "other")))
        .isEqualTo("fallback");
    assertThat(policy.chaos().orElseThrow().injections(ChaosKind.FAULT)).isEqualTo(3);
  }

  // ------------------------------------------------------------------ marks

  @Test
  void everyInjectionIsReportedToTheListenerWithTheCallsHandle() {
    List<String> seen = new CopyOnWriteArrayList<>();
    Policy policy =
        policy(
                ChaosConfig.builder()
                    .enabled(true)
                    .latency(Duration.ofMillis(10), 1.0)
                    .faultRate(1.0)
                    .keys(Set.of("canary"))
                    .build())
            .listener(
                new PolicyListener() {
                  @Override
                  public Object onCallStart(String policy) {
                    return "call-handle";
                  }

                  @Override
                  public void onChaosInjected(
                      String policy, Object handle, ChaosKind kind, String key) {
                    seen.add(policy + " " + handle + " " + kind + " " + key);
                  }
                })
            .build();

    try (ContextScope scope = RequestContext.builder("r1").tenantId("canary").build().bind()) {
      assertThatThrownBy(() -> policy.execute(this::call))
          .isInstanceOf(ServiceUnavailableException.class);
    }

    assertThat(seen)
        .containsExactly("quotes call-handle LATENCY canary", "quotes call-handle FAULT canary");
  }

  @Test
  void everyInjectionIsLoggedAsChaosInjectedWithKindPolicyAndKey() {
    Logger logger = (Logger) LoggerFactory.getLogger(Policy.class);
    ListAppender<ILoggingEvent> appender =
        new ListAppender<>() {
          @Override
          protected void append(ILoggingEvent e) {
            e.prepareForDeferredProcessing(); // the fields travel in the MDC during the call
            super.append(e);
          }
        };
    appender.start();
    logger.addAppender(appender);
    try {
      Policy policy =
          policy(
                  ChaosConfig.builder()
                      .enabled(true)
                      .result(() -> "stale", 1.0)
                      .keys(Set.of("canary"))
                      .build())
              .build();
      try (ContextScope scope = RequestContext.builder("r1").tenantId("canary").build().bind()) {
        policy.execute(this::call);
      }

      ILoggingEvent event =
          appender.list.stream()
              .filter(e -> "chaos_injected".equals(e.getMDCPropertyMap().get("event")))
              .findFirst()
              .orElseThrow();
      assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.INFO);
      assertThat(event.getFormattedMessage())
          .isEqualTo("Chaos: policy 'quotes' injected result (a rehearsal, not an outage)");
      assertThat(event.getMDCPropertyMap())
          .containsEntry("policy", "quotes")
          .containsEntry("kind", "result")
          .containsEntry("key", "canary");
    } finally {
      logger.detachAppender(appender);
    }
  }

  // ------------------------------------------------------------------ configuration

  @Test
  void theBuilderValidatesWithTheSettingsMessages() {
    assertThatThrownBy(() -> ChaosConfig.builder().faultRate(-1))
        .hasMessage("fault-rate must be a rate between 0.0 and 1.0, was -1.0");
    assertThatThrownBy(() -> ChaosConfig.builder().resultRate(0.1).build())
        .hasMessage("result-rate must be 0 when no result supplier is set, was 0.1");
    assertThatThrownBy(() -> ChaosConfig.builder().keyAttribute("Tenant Id"))
        .hasMessage(
            "key-attribute must be 1 to 64 of a-z, 0-9, '_', '-' and '.', was \"Tenant Id\"");
    assertThatThrownBy(() -> ChaosConfig.builder().keys(null)).hasMessage("keys must not be null");
  }

  @Test
  void theDefaultsInjectNothing() {
    ChaosConfig defaults = ChaosConfig.ofDefaults();

    assertThat(defaults.enabled()).isFalse();
    assertThat(defaults.faultRate()).isZero();
    assertThat(defaults.latencyRate()).isZero();
    assertThat(defaults.resultRate()).isZero();
    assertThat(defaults.keys()).isEmpty();
    assertThat(defaults.keyAttribute()).isEqualTo("tenant_id");
    assertThat(defaults.toBuilder().build()).isEqualTo(defaults);
    assertThat(PolicyConfig.empty().chaos()).isEmpty();
  }

  @Test
  void configurationKeysAddChaosToAPolicyAndSetItsValues() {
    ConfigSource source =
        ConfigSource.fromMap(
            "test",
            Map.of(
                "reliability.chaos.quotes.enabled", "true",
                "reliability.chaos.quotes.fault-rate", "0.25",
                "reliability.chaos.quotes.latency", "300ms",
                "reliability.chaos.quotes.latency-rate", "1",
                "reliability.chaos.quotes.keys", " canary, ,beta ",
                "reliability.chaos.quotes.key-attribute", "route"));

    ChaosConfig chaos = PolicyConfig.empty().withOverrides(source, "quotes").chaos().orElseThrow();

    assertThat(chaos.enabled()).isTrue();
    assertThat(chaos.faultRate()).isEqualTo(0.25);
    assertThat(chaos.latency()).isEqualTo(Duration.ofMillis(300));
    assertThat(chaos.latencyRate()).isEqualTo(1.0);
    assertThat(chaos.keys()).containsExactlyInAnyOrder("canary", "beta");
    assertThat(chaos.keyAttribute()).isEqualTo("route");
    assertThat(PolicyConfig.empty().withOverrides(source, "other").chaos()).isEmpty();
    assertThat(PolicyConfig.SETTINGS)
        .containsEntry(ChaosConfig.CONFIG_PREFIX, ChaosConfig.SETTINGS);
  }

  @Test
  void anInvalidChaosKeyIsReportedEvenWhenItIsTheOnlyOne() {
    ConfigSource source =
        ConfigSource.fromMap("test", Map.of("reliability.chaos.quotes.fault-rate", "2"));

    assertThatThrownBy(() -> PolicyConfig.empty().withOverrides(source, "quotes"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("reliability.chaos.quotes.fault-rate")
        .hasMessageContaining("a rate between 0.0 and 1.0");
  }

  @Test
  void aResultRateFromTheConfigurationNeedsAResultSetInCode() {
    ConfigSource source =
        ConfigSource.fromMap("test", Map.of("reliability.chaos.result-rate", "0.5"));

    assertThatThrownBy(() -> PolicyConfig.empty().withOverrides(source, "quotes"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("result-rate must be 0 when no result supplier is set, was 0.5");
  }

  // ------------------------------------------------------------------ cost

  @Test
  void theDirectPathWithChaosSwitchedOffAllocatesNothingPerCall() {
    Policy policy =
        Policy.builder("fast")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .chaos(ChaosConfig.builder().faultRate(1.0).build())
            .build();
    java.util.function.Supplier<String> call = () -> "ok";
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long bytesPerCall = Long.MAX_VALUE;
    // A few rounds, so the JIT has compiled the path; the best round counts.
    for (int round = 0; round < 5 && bytesPerCall > 0; round++) {
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < 200_000; i++) {
        policy.execute(call);
      }
      bytesPerCall = (threads.getThreadAllocatedBytes(thread) - before) / 200_000;
    }

    assertThat(bytesPerCall).isZero();
  }
}
