package dev.reliability.examples.archfixture;

import dev.reliability.core.internal.Checks;

/** A deliberately forbidden dependency: code outside the library uses a core internal class. */
public class ExampleUsesCoreChecks {
  public int forbidden(int value) {
    return Checks.notNegative("value", value);
  }
}
