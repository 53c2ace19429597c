package dev.reliability.metrics.archfixture;

import dev.reliability.core.archfixture.internal.CoreInternal;

/** A deliberately forbidden reach into another module's internals. */
public class MetricsUsesCoreInternal {
  public Object forbidden() {
    return new CoreInternal();
  }
}
