package dev.reliability.core.connection;

import dev.reliability.core.connection.internal.DefaultConnectionRegistry;

/** Sweeps a registry and reports how many scheduled entries the sweep examined. */
final class SweepProbe {

  private final DefaultConnectionRegistry<?> registry;

  SweepProbe(ConnectionRegistry<?> registry) {
    this.registry = (DefaultConnectionRegistry<?>) registry;
  }

  int sweep() {
    return registry.sweep();
  }

  int lastExamined() {
    return registry.lastSweepExamined();
  }
}
