package dev.reliability.health.internal;

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
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on one check's single flight ({@link CheckRunner#runOrJoin}): probes
 * from three threads, every interleaving of their reads and compare-and-sets explored, against a
 * check whose result stays fresh for a minute of a clock that does not move. The runs execute on
 * the probing thread, so a run can start and end entirely between two reads of another probe.
 * However the probes interleave, the check runs once and every probe reports that run.
 *
 * <p>A second scenario closes the registry: every run is refused by the executor while the
 * scheduler's timeout may settle it first, and whatever the order no refused run keeps the slot.
 *
 * <p>A probe that found the slot empty and no result, then lost the processor while another probe's
 * run started, recorded and left the slot, used to win the slot and run the check a second time
 * (seen once under load in {@code SingleFlightLincheckTest}); this test finds that interleaving
 * every time.
 */
class SingleFlightModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void everyInterleavingOfProbesRunsTheCheckOnce() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(300 * SCALE)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(0) // the first probes of a check arrive together
        .actorsAfter(1)
        .check(Probes.class);
  }

  @Test
  void aRunTheExecutorRefusesLeavesTheSlotWhateverTimesItOut() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(300 * SCALE)
        .threads(2)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(1)
        .check(RefusedProbes.class);
  }

  /**
   * A closing registry: its executor refuses every run, while the scheduler's timeout may settle
   * the same run first. Public, as Lincheck makes it by reflection.
   */
  public static final class RefusedProbes {
    // Past the run's deadline (the check's timeout is the default, 5 seconds).
    private static final long LATE = Duration.ofSeconds(10).toNanos();

    private final CheckRunner runner;

    public RefusedProbes() {
      RunContext context =
          new RunContext(
              "closing",
              ManualTimeSource.create(),
              new GuardedListeners(List.of()),
              Redactor.none(),
              2,
              new InlineExecutor(
                  run -> {
                    throw new RejectedExecutionException("closed");
                  }));
      runner = new CheckRunner(context, r -> {}, Probes.REGISTRATION, 0L);
    }

    @Operation
    public HealthStatus probe() {
      Object o = runner.runOrJoin(0L);
      HealthCheckResult r =
          o instanceof HealthCheckResult direct ? direct : ((Execution) o).future.join();
      return r.status();
    }

    /** The scheduler's sweep: times out the run in flight, if any. */
    @Operation
    public void timeOut() {
      Execution e = runner.inFlight.get();
      if (e != null) {
        e.timeOutIfDue(LATE);
      }
    }

    /** Once every call has returned, no run that never started still holds the slot. */
    @Validate
    public void theSlotIsFree() {
      if (runner.inFlight.get() != null) {
        throw new AssertionError("a refused run still holds the in-flight slot");
      }
    }
  }

  /** One check's runner and its probes; public, as Lincheck makes it by reflection. */
  public static final class Probes {
    // Registered once, because a registry reaches JDK state the model checker cannot restore
    // between runs; its check counts into the runs of the scenario in progress (Lincheck runs one
    // scenario at a time).
    private static volatile AtomicInteger scenarioRuns = new AtomicInteger();
    private static final HealthCheckRegistration REGISTRATION = registration();

    private final AtomicInteger runs = new AtomicInteger();
    private final CheckRunner runner;

    public Probes() {
      scenarioRuns = runs;
      RunContext context =
          new RunContext(
              "model",
              ManualTimeSource.create(),
              new GuardedListeners(List.of()),
              Redactor.none(),
              2,
              new InlineExecutor());
      runner = new CheckRunner(context, r -> {}, REGISTRATION, 0L);
    }

    @Operation
    public HealthStatus probe() {
      Object o = runner.runOrJoin(0L);
      HealthCheckResult r =
          o instanceof HealthCheckResult direct ? direct : ((Execution) o).future.join();
      return r.status();
    }

    /** Once every probe has returned, the check has run exactly once. */
    @Validate
    public void theCheckRanOnce() {
      int n = runs.get();
      if (n != 1) {
        throw new AssertionError("the check ran " + n + " times");
      }
    }

    private static HealthCheckRegistration registration() {
      try (HealthCheckRegistry registry =
          HealthCheckRegistry.builder()
              .timeSource(ManualTimeSource.create())
              .configSource(ConfigSource.empty())
              .build()) {
        return registry.register(
            "backend",
            () -> {
              scenarioRuns.incrementAndGet();
              return HealthCheckResult.healthy();
            },
            HealthCheckConfig.builder().cacheTtl(Duration.ofMinutes(1)).build());
      }
    }
  }
}
