package dev.reliability.health;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck on a health check's single flight: random scenarios of probes from three threads, run
 * many times on real threads, against a registry whose check takes its time. Every probe reports
 * the one run's result, as if the probes had come one at a time, and once they end the check has
 * run exactly once (its result stays fresh for a minute of a clock that does not move). Lincheck's
 * stress mode, not its model checker: the model checker cannot yet restore the JDK state a
 * registry's thread pools and listeners reach between runs. {@code -Dreliability.proofs.scale=N}
 * runs N times as many scenarios.
 */
class SingleFlightLincheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void concurrentProbesShareOneRunOfACheck() {
    new StressOptions()
        .iterations(5 * SCALE)
        .invocationsPerIteration(10 * SCALE)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(0) // the first probes of a registry arrive together
        .actorsAfter(1)
        .sequentialSpecification(OneProbeAtATime.class)
        .check(Probes.class);
  }

  /** A registry with one counting check, and its probes; public, as Lincheck makes it. */
  public static final class Probes {
    private static final HealthCheckConfig CONFIG =
        HealthCheckConfig.builder().cacheTtl(Duration.ofMinutes(1)).build();

    private final AtomicInteger runs = new AtomicInteger();
    private final HealthCheckRegistry registry =
        HealthCheckRegistry.builder()
            .timeSource(ManualTimeSource.create())
            .configSource(ConfigSource.empty())
            .build();

    public Probes() {
      registry.lifecycle().markStartupComplete();
      registry.register(
          "backend",
          () -> {
            runs.incrementAndGet();
            // Still running for two milliseconds of work while the other probes arrive.
            long end = System.nanoTime() + 2_000_000;
            while (System.nanoTime() - end < 0) {
              Thread.onSpinWait();
            }
            return HealthCheckResult.healthy();
          },
          CONFIG);
    }

    @Operation
    public HealthStatus readiness() {
      return registry.readiness().status();
    }

    @Operation
    public HealthStatus fullReport() {
      return registry.fullReport().status();
    }

    /** Once every probe has returned, the check has run once; then the registry is closed. */
    @Validate
    public void theCheckRanOnce() {
      int n = runs.get();
      registry.close();
      if (n != 1) {
        throw new AssertionError("the check ran " + n + " times");
      }
    }
  }

  /** What the probes must read as: every probe, at any time, reports the one healthy run. */
  public static final class OneProbeAtATime {
    public HealthStatus readiness() {
      return HealthStatus.HEALTHY;
    }

    public HealthStatus fullReport() {
      return HealthStatus.HEALTHY;
    }
  }
}
