package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.test.ManualScheduler;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry's scheduler tick survives Errors thrown into it, so background checks keep running
 * and timeouts keep being enforced.
 */
class SchedulerSurvivalTest {

  private static final Duration TICK = Duration.ofSeconds(1);
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  private final ManualTimeSource time = ManualTimeSource.create();
  private final ManualScheduler scheduler = ManualScheduler.create(time);
  private final RecordingListener recording = new RecordingListener();
  private final AtomicInteger runs = new AtomicInteger();
  private final InlineExecutor executor = new InlineExecutor();
  private HealthCheckRegistry registry;

  @AfterEach
  void close() {
    if (registry != null) {
      registry.close();
    }
  }

  private HealthCheckRegistry registry(HealthListener first) {
    registry =
        HealthCheckRegistry.builder()
            .timeSource(time)
            .configSource(ConfigSource.empty())
            .listener(first)
            .listener(recording)
            .scheduler(scheduler)
            .executor(executor)
            .tick(TICK)
            .build();
    registry.lifecycle().markStartupComplete();
    registry.register(
        "bg",
        () ->
            runs.incrementAndGet() == 1
                ? HealthCheckResult.healthy("up")
                : HealthCheckResult.unhealthy("down"),
        HealthCheckConfig.builder()
            .background(true)
            .interval(INTERVAL)
            .jitter(0.0)
            .timeout(Duration.ofMinutes(1))
            .build());
    return registry;
  }

  @Test
  void aListenerThatThrowsStackOverflowErrorDoesNotStopTheScheduler() {
    registry(
        new HealthListener() {
          @Override
          public void onStatusChanged(HealthStatusChange change) {
            throw new StackOverflowError("listener recursed");
          }
        });

    assertThatCode(() -> scheduler.advance(TICK)).doesNotThrowAnyException();
    assertThatCode(() -> scheduler.advance(INTERVAL)).doesNotThrowAnyException();

    assertThat(runs).hasValue(2);
    assertThat(recording.probeChanges()).contains("bg unknown->healthy", "bg healthy->unhealthy");
    assertThat(registry.lastResult("bg").orElseThrow().message()).isEqualTo("down");
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
  }

  @Test
  void aCheckThreadThatCannotStartDoesNotStopTheSchedulerOrTheCheck() {
    registry(new HealthListener() {});
    executor.failures.set(1);

    assertThatCode(() -> scheduler.advance(TICK)).doesNotThrowAnyException();
    HealthCheckResult failed = registry.lastResult("bg").orElseThrow();
    assertThatCode(() -> scheduler.advance(INTERVAL)).doesNotThrowAnyException();

    assertThat(failed.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(failed.message())
        .isEqualTo(
            "the check could not be started: java.lang.OutOfMemoryError: unable to create native"
                + " thread");
    assertThat(runs).hasValue(1);
    assertThat(registry.lastResult("bg").orElseThrow().message()).isEqualTo("up");
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
  }

  @Test
  void closeStopsTheTicks() {
    registry(new HealthListener() {});
    scheduler.advance(TICK);

    registry.close();
    scheduler.advance(INTERVAL.multipliedBy(3));

    assertThat(runs).hasValue(1);
    assertThat(scheduler.pendingTasks()).isZero();
    assertThat(registry.tickFailures()).isZero();
  }

  /** Runs checks on the calling thread; fails to start the first {@code failures} of them. */
  private static final class InlineExecutor extends AbstractExecutorService {
    final AtomicInteger failures = new AtomicInteger();
    private volatile boolean shutdown;

    @Override
    public void execute(Runnable task) {
      if (failures.getAndDecrement() > 0) {
        throw new OutOfMemoryError("unable to create native thread");
      }
      task.run();
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
