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
