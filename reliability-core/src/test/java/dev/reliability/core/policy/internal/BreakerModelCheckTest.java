package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker runs random scenarios of failures, successes, resets and the open wait
 * passing, from three threads, under every interleaving it reaches: no call fails for a transition
 * another thread made first, reports never overlap, and once the calls end the reported transitions
 * are a path the breaker can take from closed to the state it is in, each transition once, with one
 * opening counted per reported opening. {@code -Dreliability.proofs.scale=N} runs N times as many
 * scenarios.
 */
class BreakerModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void everyInterleavingReportsEachTransitionOnceAlongAPath() {
    new ModelCheckingOptions()
        .iterations(5 * SCALE)
        .invocationsPerIteration(80 * SCALE)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1)
        .check(Transitions.class);
  }

  /** The breaker under test and its operations; public, as Lincheck makes it by reflection. */
  public static final class Transitions {
    private static final RuntimeException FAILURE = new IllegalStateException("failed");
    private static final Set<String> EDGES =
        Set.of(
            "CLOSED -> OPEN",
            "OPEN -> HALF_OPEN",
            "HALF_OPEN -> OPEN",
            "HALF_OPEN -> CLOSED",
            "OPEN -> CLOSED");

    private final ManualTimeSource time = ManualTimeSource.create();
    private final List<String> reports = new ArrayList<>();
    private int inSink;
    private String overlap;
    private final Breaker breaker =
        new Breaker(
            "model",
            CircuitBreakerConfig.builder()
                .failureThreshold(1)
                .waitInOpen(Duration.ofSeconds(1))
                .halfOpenCalls(1)
                .build(),
            time,
            this::report,
            new Stats());

    private void report(CircuitState from, CircuitState to) {
      if (++inSink != 1 && overlap == null) {
        overlap = from + " -> " + to;
      }
      reports.add(from + " -> " + to);
      inSink--;
    }

    @Operation
    public void failure() {
      if (breaker.tryAcquire()) {
        breaker.onFailure(1, FAILURE, false);
      }
    }

    @Operation
    public void success() {
      if (breaker.tryAcquire()) {
        breaker.onSuccess(1, true);
      }
    }

    @Operation
    public void reset() {
      breaker.reset();
    }

    @Operation
    public void openWaitPasses() {
      time.advance(Duration.ofMillis(1001));
    }

    /** Once every call has returned, the reports are the path the breaker took. */
    @Validate
    public void reportsAreThePathTheBreakerTook() {
      if (overlap != null) {
        throw new AssertionError("a report made while another was under way: " + overlap);
      }
      String at = "CLOSED";
      long opened = 0;
      for (String step : reports) {
        if (!EDGES.contains(step) || !step.startsWith(at + " -> ")) {
          throw new AssertionError("not a path from CLOSED: " + reports);
        }
        at = step.substring(step.indexOf("-> ") + 3);
        if (at.equals("OPEN")) {
          opened++;
        }
      }
      if (breaker.state() != CircuitState.valueOf(at)) {
        throw new AssertionError("reported " + reports + " but the breaker is " + breaker.state());
      }
      if (breaker.openings() != opened) {
        throw new AssertionError(
            "reported " + opened + " openings but counted " + breaker.openings());
      }
    }
  }
}
