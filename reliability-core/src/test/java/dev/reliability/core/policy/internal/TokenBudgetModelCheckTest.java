package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.RetryBudget;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the hedge budget's compare-and-sets: deposits and withdrawals by
 * three threads must give results that some order of the same calls, one at a time, gives; so two
 * threads never take the same token and the content never leaves 0 to the reserve.
 */
class TokenBudgetModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void everyInterleavingOfDepositsAndWithdrawalsIsLinearizable() {
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
    // Half a token per call, two tokens at most: a deposit and a withdrawal often meet at a bound.
    private final TokenBudget budget = new TokenBudget(RetryBudget.of(0.5, 2));

    @Operation
    public void deposit() {
      budget.deposit();
    }

    @Operation
    public boolean tryWithdraw() {
      return budget.tryWithdraw();
    }

    @Operation
    public double available() {
      return budget.available();
    }
  }
}
