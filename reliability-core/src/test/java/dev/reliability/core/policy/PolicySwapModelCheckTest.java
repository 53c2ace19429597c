package dev.reliability.core.policy;

import dev.reliability.test.ManualScheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * The swap of a policy's generation (one volatile write of the engine, made under the policy's
 * reconfiguration lock, with an engine built from the one it replaces) against calls in flight:
 * Lincheck's model checker tries the interleavings of three threads that call, reconfigure and
 * read: each must be linearizable (every call counted exactly once, the configuration read is one
 * that was set), and once they end the breaker's counts, which the generations share, equal the
 * policy's, and the engine in effect is wholly one configuration's. A bounded load on real threads
 * checks the same counts across many swaps.
 */
class PolicySwapModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  private static PolicyConfig withThreshold(int n) {
    return PolicyConfig.builder()
        .circuitBreaker(
            CircuitBreakerConfig.builder()
                .failureThreshold(n)
                .slidingWindowSize(4)
                .minimumCalls(4)
                .build())
        .retry(RetryConfig.builder().maxRetries(n).build())
        .build();
  }

  private static Policy policy() {
    return Policy.builder("swap")
        .config(withThreshold(3))
        .scheduler(ManualScheduler.create())
        .executor(Runnable::run)
        .build();
  }

  @Test
  void everyInterleavingOfCallsAndSwapsIsLinearizable() {
    new ModelCheckingOptions()
        .iterations(5 * SCALE)
        .invocationsPerIteration(100 * SCALE)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1)
        .check(Swaps.class);
  }

  /** A policy, its calls and its reconfigurations; public, as Lincheck makes it by reflection. */
  public static final class Swaps {
    private static final PolicyConfig FOUR = withThreshold(4);
    private static final PolicyConfig SIX = withThreshold(6);

    private final Policy policy = policy();

    @Operation
    public String call() {
      return policy.execute(() -> "ok");
    }

    @Operation
    public void toFour() {
      policy.reconfigure(FOUR);
    }

    @Operation
    public void toSix() {
      policy.reconfigure(SIX);
    }

    @Operation
    public long successes() {
      return policy.stats().calls(CallOutcome.SUCCESS);
    }

    @Operation
    public int threshold() {
      return policy.config().circuitBreaker().orElseThrow().failureThreshold();
    }

    /**
     * Once every operation returned: the breaker's counts, carried from generation to generation,
     * equal the policy's; the engine in effect is of one configuration, not a mix.
     */
    @Validate
    public void countsAgreeAndTheGenerationIsWhole() {
      long calls = policy.stats().calls(CallOutcome.SUCCESS);
      long counted = policy.circuitBreaker().orElseThrow().successfulCalls();
      if (calls != counted) {
        throw new AssertionError("policy counted " + calls + ", breaker " + counted);
      }
      int n = threshold();
      if (policy.retry().orElseThrow().config().maxRetries() != n
          || policy.circuitBreaker().orElseThrow().config().failureThreshold() != n) {
        throw new AssertionError("mixed generation for threshold " + n);
      }
    }
  }

  @Test
  void aBoundedLoadAcrossManySwapsLosesAndDoublesNoCall() throws Exception {
    Policy policy = policy();
    int threads = 4;
    int calls = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Future<?>[] callers = new Future<?>[threads];
      for (int t = 0; t < threads; t++) {
        callers[t] =
            pool.submit(
                () -> {
                  for (int i = 0; i < calls; i++) {
                    policy.execute(() -> "ok");
                  }
                });
      }
      CompletableFuture<Void> swaps =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 200; i++) {
                  policy.reconfigure(withThreshold(3 + i % 5));
                }
              });
      for (Future<?> f : callers) {
        f.get(60, TimeUnit.SECONDS);
      }
      swaps.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    org.assertj.core.api.Assertions.assertThat(policy.stats().calls(CallOutcome.SUCCESS))
        .isEqualTo((long) threads * calls);
    org.assertj.core.api.Assertions.assertThat(
            policy.circuitBreaker().orElseThrow().successfulCalls())
        .isEqualTo((long) threads * calls);
    org.assertj.core.api.Assertions.assertThat(policy.circuitBreaker().orElseThrow().state())
        .isEqualTo(CircuitState.CLOSED);
  }
}
