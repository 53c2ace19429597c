package dev.reliability.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.redaction.Redactor;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistration;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A run that could never start leaves a check's in-flight slot, even when the scheduler's timeout
 * settled it between the probe taking the slot and the executor refusing it; otherwise the check
 * would be reported as hung, and never run again, for a run that does not exist.
 */
class RejectedRunTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final AtomicInteger runs = new AtomicInteger();

  @Test
  void aRefusedRunThatTimedOutFirstStillLeavesTheSlot() {
    HealthCheckRegistration registration = registration();
    CheckRunner[] runner = new CheckRunner[1];
    AtomicInteger refusals = new AtomicInteger(1);
    RunContext context =
        new RunContext(
            "rejecting",
            time,
            new GuardedListeners(List.of()),
            Redactor.none(),
            1,
            new InlineExecutor(
                run -> {
                  if (refusals.getAndDecrement() > 0) {
                    // The scheduler's timeout comes first, then the executor refuses the run.
                    time.advance(Duration.ofSeconds(5));
                    assertThat(((Execution) run).timeOutIfDue(time.nanoTime())).isTrue();
                    throw new RejectedExecutionException("closing");
                  }
                  run.run();
                }));
    runner[0] = new CheckRunner(context, r -> {}, registration, time.nanoTime());

    Object first = runner[0].runOrJoin(time.nanoTime());
    assertThat(runs).hasValue(0);
    assertThat(runner[0].inFlight.get()).isNull();
    assertThat(((Execution) first).future.join().status()).isEqualTo(HealthStatus.UNHEALTHY);

    // Past the timed-out result's cache TTL, the next probe runs the check.
    time.advance(Duration.ofSeconds(2));
    Object next = runner[0].runOrJoin(time.nanoTime());
    HealthCheckResult result =
        next instanceof HealthCheckResult r ? r : ((Execution) next).future.join();
    assertThat(result.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(runs).hasValue(1);
  }

  private HealthCheckRegistration registration() {
    try (HealthCheckRegistry registry =
        HealthCheckRegistry.builder().timeSource(time).configSource(ConfigSource.empty()).build()) {
      return registry.register(
          "backend",
          () -> {
            runs.incrementAndGet();
            return HealthCheckResult.healthy();
          },
          HealthCheckConfig.builder()
              .timeout(Duration.ofSeconds(5))
              .cacheTtl(Duration.ofSeconds(1))
              .build());
    }
  }
}
