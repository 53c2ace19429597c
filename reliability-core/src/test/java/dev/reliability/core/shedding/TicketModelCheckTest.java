package dev.reliability.core.shedding;

import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.test.ManualTimeSource;
import java.util.List;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on a ticket's release: complete, fail and abandon race on one admitted
 * ticket while a second ticket holds its own permit. Under every interleaving the ticket's permit
 * is released exactly once: at rest one permit is in flight, the other ticket's (a second release
 * of the same ticket would take it, leaving none; no release would leave two). A call that loses
 * the race returns at once, possibly before the winner's release is visible, so the check is made
 * once the calls end rather than by reads in between.
 */
class TicketModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void aTicketReleasesItsPermitOnceUnderEveryInterleaving() {
    new ModelCheckingOptions()
        .iterations(5 * SCALE)
        .invocationsPerIteration(200 * SCALE)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(0)
        .sequentialSpecification(SequentialTicket.class)
        .check(Tickets.class);
  }

  /** Two admitted tickets on a limit of 2; operations end the first. */
  public static final class Tickets {
    private final LoadShedder shedder =
        LoadShedder.builder(
                LoadSheddingConfig.builder()
                    .limit(
                        AdaptiveLimitConfig.builder()
                            .minLimit(2)
                            .maxLimit(2)
                            .initialLimit(2)
                            .build())
                    .exemptPaths(List.of("/health"))
                    .build())
            .timeSource(ManualTimeSource.create())
            .build();
    private final LoadShedder.Ticket ticket = shedder.acquire("GET", "/api", h -> null);
    private final LoadShedder.Ticket other = shedder.acquire("GET", "/api", h -> null);

    @Operation
    public void complete() {
      ticket.complete(200);
    }

    @Operation
    public void fail() {
      ticket.fail(new IllegalStateException("failed"));
    }

    @Operation
    public void abandon() {
      ticket.abandon();
    }

    /** Exactly one permit, the other ticket's, is in flight once every end has returned. */
    @Validate
    public void releasedExactlyOnce() {
      int inFlight = shedder.limiter().inFlight();
      if (inFlight != 1 || !other.admitted()) {
        throw new AssertionError("in flight at rest: " + inFlight + ", expected 1");
      }
    }
  }

  /** The ends return nothing; the check is the validation at rest. */
  public static final class SequentialTicket {
    public void complete() {}

    public void fail() {}

    public void abandon() {}
  }
}
