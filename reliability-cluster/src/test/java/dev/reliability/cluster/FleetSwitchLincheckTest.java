package dev.reliability.cluster;

import dev.reliability.cluster.internal.FleetSwitch;
import java.time.Instant;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * The SHARED/DEGRADED switch of a fleet engine under every interleaving Lincheck tries: degrade,
 * recover and reads are linearizable, so exactly one caller wins each change (and alone logs,
 * notifies and schedules the probe) and the generation counts the changes.
 */
class FleetSwitchLincheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void everyInterleavingOfSwitchesIsLinearizable() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(200 * SCALE)
        .threads(3)
        .actorsPerThread(3)
        .check(Switch.class);
  }

  @Test
  void switchesUnderStressAreLinearizable() {
    new StressOptions()
        .iterations(5 * SCALE)
        .invocationsPerIteration(500 * SCALE)
        .threads(3)
        .actorsPerThread(3)
        .check(Switch.class);
  }

  /** The switch and its operations; public, as Lincheck makes it by reflection. */
  public static final class Switch {
    private static final Instant T = Instant.EPOCH;
    private final FleetSwitch fleetSwitch = new FleetSwitch(T);

    @Operation
    public boolean degrade() {
      return fleetSwitch.degrade("down", T);
    }

    @Operation
    public boolean recover() {
      return fleetSwitch.recover(T);
    }

    @Operation
    public String phase() {
      FleetSwitch.Phase p = fleetSwitch.phase();
      return p.status() + "/" + p.generation() + "/" + p.lastFailure();
    }
  }
}
