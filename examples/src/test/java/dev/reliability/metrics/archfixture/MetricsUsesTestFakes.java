package dev.reliability.metrics.archfixture;

import dev.reliability.test.ManualTimeSource;

/** A deliberately forbidden dependency of runtime code on the test fakes. */
public class MetricsUsesTestFakes {
  public Object forbidden() {
    return ManualTimeSource.create();
  }
}
