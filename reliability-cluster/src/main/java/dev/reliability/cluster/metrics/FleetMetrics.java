package dev.reliability.cluster.metrics;

import dev.reliability.cluster.FleetEngine;
import dev.reliability.cluster.FleetLimit;
import dev.reliability.cluster.FleetListener;
import dev.reliability.cluster.FleetStatus;
import dev.reliability.core.internal.Checks;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Meters of a {@link FleetEngine} and its limits, read from the counts they already keep when the
 * registry is scraped. Every meter is tagged {@code engine=<the engine's name>} and {@code
 * backend=<redis|hazelcast>}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>extra tags</th><th>meaning</th></tr>
 *   <tr><td>{@code reliability.fleet.status}</td><td>gauge</td><td>{@code status} ({@code
 *       shared}, {@code degraded})</td><td>1 for the current status, 0 for the other</td></tr>
 *   <tr><td>{@code reliability.fleet.remote.latency}</td><td>function timer</td><td></td>
 *       <td>callers' remote operations and the time they took (late ones up to the timeout)</td></tr>
 *   <tr><td>{@code reliability.fleet.remote.failures}</td><td>function counter</td><td></td>
 *       <td>remote operations, callers' and background, that failed or were late</td></tr>
 *   <tr><td>{@code reliability.fleet.fallbacks}</td><td>function counter</td><td></td><td>switches
 *       to the local shares</td></tr>
 *   <tr><td>{@code reliability.fleet.recoveries}</td><td>function counter</td><td></td>
 *       <td>switches back to the shared limits</td></tr>
 *   <tr><td>{@code reliability.fleet.admitted}</td><td>function counter</td><td>{@code limit},
 *       {@code kind} ({@code rate}, {@code concurrency}, {@code retry-budget}), {@code mode}
 *       ({@code shared}, {@code local})</td><td>calls (retries, for a budget) admitted</td></tr>
 *   <tr><td>{@code reliability.fleet.refused}</td><td>function counter</td><td>as above</td>
 *       <td>calls (retries) refused</td></tr>
 * </table>
 *
 * <p>Limits the engine creates after binding get their meters then. Per-key rate limiters count in
 * their limit (no tag per key).
 *
 * <pre>{@code
 * FleetMetrics.of(fleet).bindTo(meters);
 * }</pre>
 *
 * <p>Thread-safe; binding twice to one meter registry is harmless.
 */
public final class FleetMetrics implements MeterBinder {

  /** The engine's status, by {@code status}. */
  public static final String STATUS = "reliability.fleet.status";

  /** Callers' remote operations and their time. */
  public static final String REMOTE_LATENCY = "reliability.fleet.remote.latency";

  /** Remote operations that failed or were late. */
  public static final String REMOTE_FAILURES = "reliability.fleet.remote.failures";

  /** Switches to the local shares. */
  public static final String FALLBACKS = "reliability.fleet.fallbacks";

  /** Switches back to the shared limits. */
  public static final String RECOVERIES = "reliability.fleet.recoveries";

  /** Calls admitted, by {@code limit}, {@code kind} and {@code mode}. */
  public static final String ADMITTED = "reliability.fleet.admitted";

  /** Calls refused, by {@code limit}, {@code kind} and {@code mode}. */
  public static final String REFUSED = "reliability.fleet.refused";

  private final FleetEngine engine;
  private final Tags tags;
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

  private FleetMetrics(FleetEngine engine) {
    this.engine = engine;
    this.tags = Tags.of("engine", engine.name(), "backend", engine.engine());
    engine.addListener(
        new FleetListener() {
          @Override
          public void onLimitAdded(FleetEngine e, FleetLimit limit) {
            for (MeterRegistry r : registries) {
              bindLimit(r, limit);
            }
          }
        });
  }

  /**
   * Returns the binder of an engine's meters.
   *
   * @param engine the engine
   * @return the binder
   */
  public static FleetMetrics of(FleetEngine engine) {
    return new FleetMetrics(Checks.notNull("engine", engine));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Checks.notNull("registry", registry);
    for (FleetStatus s : FleetStatus.values()) {
      Gauge.builder(STATUS, engine, e -> e.status() == s ? 1 : 0)
          .tags(tags)
          .tag("status", mode(s, "shared", "degraded"))
          .description("1 for the fleet engine's current status")
          .register(registry);
    }
    FunctionTimer.builder(
            REMOTE_LATENCY,
            engine,
            FleetEngine::remoteCalls,
            FleetEngine::remoteTimeNanos,
            TimeUnit.NANOSECONDS)
        .tags(tags)
        .description("Callers' remote operations on the fleet engine")
        .register(registry);
    FunctionCounter.builder(REMOTE_FAILURES, engine, e -> e.remoteFailures())
        .tags(tags)
        .description("Remote operations that failed or were late")
        .register(registry);
    FunctionCounter.builder(FALLBACKS, engine, e -> e.fallbacks())
        .tags(tags)
        .description("Switches to the local shares")
        .register(registry);
    FunctionCounter.builder(RECOVERIES, engine, e -> e.recoveries())
        .tags(tags)
        .description("Switches back to the shared limits")
        .register(registry);
    if (!registries.contains(registry)) {
      registries.add(registry);
    }
    for (FleetLimit limit : engine.limits()) {
      bindLimit(registry, limit);
    }
  }

  private void bindLimit(MeterRegistry registry, FleetLimit limit) {
    for (FleetStatus s : FleetStatus.values()) {
      Tags t =
          tags.and("limit", limit.name(), "kind", limit.kind(), "mode", mode(s, "shared", "local"));
      FunctionCounter.builder(ADMITTED, limit, l -> l.admitted(s))
          .tags(t)
          .description("Calls (or retries) admitted by a fleet-wide limit")
          .register(registry);
      FunctionCounter.builder(REFUSED, limit, l -> l.refused(s))
          .tags(t)
          .description("Calls (or retries) refused by a fleet-wide limit")
          .register(registry);
    }
  }

  private static String mode(FleetStatus s, String shared, String other) {
    return s == FleetStatus.SHARED ? shared : other;
  }
}
