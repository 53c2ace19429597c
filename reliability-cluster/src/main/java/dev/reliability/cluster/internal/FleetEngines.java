package dev.reliability.cluster.internal;

import dev.reliability.cluster.FleetEngine;
import java.util.function.Function;

/**
 * Builds a {@link FleetEngine} on any {@link FleetBackend}: the engine's public factories name the
 * Redis and Hazelcast backends; tests and the forked workers use this door for fakes.
 *
 * <p>Thread-safe. Internal: may change at any time.
 */
public final class FleetEngines {

  private static volatile Function<FleetBackend, FleetEngine.Builder> factory;

  private FleetEngines() {}

  /**
   * Installs the builder factory; called once by {@link FleetEngine}'s class initialiser.
   *
   * @param builders makes a builder on a backend
   */
  public static void install(Function<FleetBackend, FleetEngine.Builder> builders) {
    if (factory == null) {
      factory = builders;
    }
  }

  /**
   * Returns a builder of an engine on the given backend, which the engine closes.
   *
   * @param backend the backend
   * @return a builder
   */
  public static FleetEngine.Builder builder(FleetBackend backend) {
    if (factory == null) {
      try {
        // The engine's class initialiser installs the factory.
        Class.forName(FleetEngine.class.getName(), true, FleetEngine.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    return factory.apply(backend);
  }
}
