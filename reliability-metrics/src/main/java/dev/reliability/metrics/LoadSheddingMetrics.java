package dev.reliability.metrics;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.shedding.LoadShedder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;

/**
 * Meters of an inbound {@link LoadShedder}, read from the counts it already keeps when the registry
 * is scraped: nothing is recorded per request. Every meter is tagged {@code name=<the shedder's
 * limiter name>} ({@code inbound} by default).
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>extra tags</th><th>meaning</th></tr>
 *   <tr><td>{@code reliability.shedding.requests}</td><td>function counter</td><td>{@code
 *       outcome} ({@code admitted}, {@code exempt})</td><td>requests let through: admitted under
 *       the limit, or exempt (health probes, or all while shedding is disabled)</td></tr>
 *   <tr><td>{@code reliability.shedding.shed}</td><td>function counter</td><td>{@code
 *       traffic_class} ({@code default} and each partition)</td><td>requests answered 503 because
 *       the limit was reached for their class</td></tr>
 *   <tr><td>{@code reliability.shedding.unknown.traffic.class}</td><td>function counter</td><td>
 *       </td><td>requests that named a traffic class the limit does not have</td></tr>
 * </table>
 *
 * <p>The shedder's adaptive limit gets the {@code reliability.adaptivelimit.*} meters of {@link
 * PolicyMetrics} (limit, in flight, rejections, latency estimate and baseline, per-partition
 * meters), under the same {@code name}, so the shipped alerts and dashboard panels of adaptive
 * limits cover it too.
 *
 * <pre>{@code
 * LoadSheddingMetrics.of(shedder).bindTo(meters);
 * }</pre>
 *
 * <p>Meters hold the shedder weakly: keep it referenced. Immutable and thread-safe; binding twice
 * to one meter registry is harmless.
 */
public final class LoadSheddingMetrics implements MeterBinder {

  /** Requests let through, by {@code outcome}: {@code admitted} or {@code exempt}. */
  public static final String REQUESTS = MetricNames.PREFIX + ".shedding.requests";

  /** Requests shed, by {@code traffic_class}. */
  public static final String SHED = MetricNames.PREFIX + ".shedding.shed";

  /** Requests that named an unknown traffic class. */
  public static final String UNKNOWN_TRAFFIC_CLASS =
      MetricNames.PREFIX + ".shedding.unknown.traffic.class";

  private final LoadShedder shedder;

  private LoadSheddingMetrics(LoadShedder shedder) {
    this.shedder = shedder;
  }

  /**
   * Returns the binder of a shedder.
   *
   * @param shedder the shedder
   * @return the binder
   * @throws NullPointerException if {@code shedder} is null
   */
  public static LoadSheddingMetrics of(LoadShedder shedder) {
    return new LoadSheddingMetrics(Checks.notNull("shedder", shedder));
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    Checks.notNull("meters", meters);
    String name = shedder.limiter().name();
    List<Meter> out = new ArrayList<>();
    FunctionCounter.builder(REQUESTS, shedder, LoadShedder::admittedCount)
        .tag("name", name)
        .tag("outcome", "admitted")
        .description("Requests the load shedder let through")
        .register(meters);
    FunctionCounter.builder(REQUESTS, shedder, LoadShedder::exemptCount)
        .tag("name", name)
        .tag("outcome", "exempt")
        .description("Requests the load shedder let through")
        .register(meters);
    for (String trafficClass : shedder.shedCounts().keySet()) {
      FunctionCounter.builder(SHED, shedder, s -> s.shedCount(trafficClass))
          .tag("name", name)
          .tag("traffic_class", trafficClass)
          .description("Requests shed because the limit was reached for their class")
          .register(meters);
    }
    FunctionCounter.builder(UNKNOWN_TRAFFIC_CLASS, shedder, LoadShedder::unknownTrafficClassCount)
        .tag("name", name)
        .description("Requests that named a traffic class the limit does not have")
        .register(meters);
    PolicyMetrics.bindAdaptiveLimit(name, shedder.limiter(), meters, out);
  }

  @Override
  public String toString() {
    return "LoadSheddingMetrics[" + shedder.limiter().name() + "]";
  }
}
