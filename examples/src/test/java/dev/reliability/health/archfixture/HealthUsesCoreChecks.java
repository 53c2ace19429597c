package dev.reliability.health.archfixture;

import dev.reliability.core.internal.Checks;

/** An allowed dependency: core exports its shared internal package to the library's modules. */
public class HealthUsesCoreChecks {
  public int allowed(int value) {
    return Checks.notNegative("value", value);
  }
}
