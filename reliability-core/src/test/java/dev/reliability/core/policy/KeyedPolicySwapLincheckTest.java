package dev.reliability.core.policy;

import dev.reliability.test.ManualScheduler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * A keyed policy's template swap against keys being built and used: Lincheck runs scenarios of
 * threads that look keys up (building their policies on first use) and swap the template. Each
 * lookup must be linearizable (a key's policy runs the template in effect at some point of the
 * lookup), and once all end, every policy ever built for a key that is still held runs the last
 * template: a key built while the template was swapped is never left on the old one.
 */
class KeyedPolicySwapLincheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  private static PolicyConfig withThreshold(int n) {
    return PolicyConfig.builder()
        .circuitBreaker(
            CircuitBreakerConfig.builder()
                .failureThreshold(n)
                .slidingWindowSize(4)
                .minimumCalls(4)
                .build())
        .build();
  }

  @Test
  void everyInterleavingOfKeyLookupsAndTemplateSwapsIsLinearizableAndEndsOnTheLastTemplate() {
    // Stress mode, on real threads: the model checker cannot replay Caffeine deterministically (its
    // hash spreading and striped buffers differ between runs), so it refuses the scenario.
    new StressOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(300 * SCALE)
        .threads(2)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(0)
        .check(Swaps.class);
  }

  /** A keyed policy, its lookups and its swaps; public, as Lincheck makes it by reflection. */
  public static final class Swaps {
    private static final PolicyConfig FOUR = withThreshold(4);
    private static final PolicyConfig SIX = withThreshold(6);

    /** Every policy built, as it was built: read without a lookup that would catch it up. */
    private final Map<String, Policy> built = new ConcurrentHashMap<>();

    private final KeyedPolicy keyed =
        KeyedPolicy.builder("swap")
            .template(withThreshold(3))
            .scheduler(ManualScheduler.create())
            .executor(Runnable::run)
            .build();

    public Swaps() {
      keyed.addListener(
          new KeyedPolicy.Listener() {
            @Override
            public void onAdded(String key, Policy policy) {
              built.put(key, policy);
            }
          });
    }

    private static int threshold(PolicyConfig config) {
      return config.circuitBreaker().orElseThrow().failureThreshold();
    }

    @Operation
    public int a() {
      return threshold(keyed.policy("a").config());
    }

    @Operation
    public int b() {
      return threshold(keyed.policy("b").config());
    }

    @Operation
    public void toFour() {
      keyed.reconfigure(FOUR);
    }

    @Operation
    public void toSix() {
      keyed.reconfigure(SIX);
    }

    /** Once every operation returned: every policy built runs the template in effect. */
    @Validate
    public void everyBuiltPolicyRunsTheLastTemplate() {
      int template = threshold(keyed.template());
      built.forEach(
          (key, policy) -> {
            int n = threshold(policy.config());
            if (n != template) {
              throw new AssertionError(
                  "key " + key + " runs threshold " + n + ", the template " + template);
            }
          });
    }
  }
}
