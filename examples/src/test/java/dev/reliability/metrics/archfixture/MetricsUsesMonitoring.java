package dev.reliability.metrics.archfixture;

import dev.reliability.monitoring.archfixture.MonitoringThing;

/** A deliberately forbidden edge from a runtime module to build-time tooling. */
public class MetricsUsesMonitoring {
  public Object forbidden() {
    return new MonitoringThing();
  }
}
