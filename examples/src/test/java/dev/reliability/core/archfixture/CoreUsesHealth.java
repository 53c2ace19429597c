package dev.reliability.core.archfixture;

import dev.reliability.core.archfixture.internal.CoreInternal;
import dev.reliability.health.archfixture.HealthThing;

/** A deliberately forbidden dependency, used to show that the architecture rule fails. */
public class CoreUsesHealth {
  public Object forbidden() {
    return new HealthThing();
  }

  public Object allowed() {
    return new CoreInternal();
  }
}
