package dev.reliability.core.policy.internal;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the token-bucket rule's compare-and-sets: successes, failures and
 * admissions by three threads must give results that some order of the same calls, one at a time,
 * gives; so no failure's token is lost or taken twice and the content stays between 0 and the
 * capacity.
 */
class ThrottlingBudgetModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void everyInterleavingOfSuccessesFailuresAndAdmissionsIsLinearizable() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(300 * SCALE)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1)
        .check(Budget.class);
  }

  /** The budget and its operations; public, as Lincheck makes it by reflection. */
  public static final class Budget {
    // Two tokens, a success adds 0.6: failures and successes often meet at a bound and at half.
    private final ThrottlingBudget budget = new ThrottlingBudget(2, 0.6);

    @Operation
    public void success() {
      budget.onSuccess();
    }

    @Operation
    public void failure() {
      budget.onFailure();
    }

    @Operation
    public boolean tryAcquire() {
      return budget.tryAcquire();
    }

    @Operation
    public double available() {
      return budget.available();
    }
  }
}
