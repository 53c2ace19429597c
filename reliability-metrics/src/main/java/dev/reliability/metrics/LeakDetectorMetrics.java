package dev.reliability.metrics;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.leak.GaugeTrend;
import dev.reliability.core.leak.LeakDetector;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Optional;

/**
 * Meters of a {@link LeakDetector}, read from its latest report (no per-sample work): one set of
 * gauges per watched gauge (the heap, metaspace, threads, your own), tagged {@code detector},
 * {@code gauge}, {@code kind} ({@code heap}, {@code class_metadata}, {@code direct_memory}, {@code
 * native_memory}, {@code threads}, {@code file_descriptors}, {@code custom}) and {@code unit}
 * ({@code bytes} or {@code count}).
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@code reliability.leak.state}</td><td>detector, gauge, kind, unit</td><td>0 none, 1
 *       suspected, 2 confirmed (worse is higher, so {@code max} aggregates to the worst)</td></tr>
 *   <tr><td>{@code reliability.leak.value}</td><td>detector, gauge, kind, unit</td><td>the latest
 *       per-interval minimum (for the heap: the live set after GC)</td></tr>
 *   <tr><td>{@code reliability.leak.growth}</td><td>detector, gauge, kind, unit</td><td>robust growth
 *       rate in units per minute</td></tr>
 *   <tr><td>{@code reliability.leak.time.to.exhaustion}</td><td>detector, gauge, kind, unit</td>
 *       <td>seconds until the limit at the current growth while a leak is reported; NaN
 *       otherwise</td></tr>
 *   <tr><td>{@code reliability.leak.heap.threshold.exceeded}</td><td>detector</td><td>1 while
 *       post-GC heap usage is over the detector's threshold, else 0</td></tr>
 * </table>
 *
 * <p>Prometheus reads them as {@code reliability_leak_state}, {@code
 * reliability_leak_time_to_exhaustion_seconds} and so on.
 *
 * <pre>{@code
 * LeakDetectorMetrics.of(detector).bindTo(meters);
 * }</pre>
 *
 * <p>Immutable and thread-safe; binding twice to one meter registry is harmless (Micrometer returns
 * the existing meters).
 */
public final class LeakDetectorMetrics implements MeterBinder {

  /** 0 none, 1 suspected, 2 confirmed. */
  public static final String STATE = MetricNames.PREFIX + ".leak.state";

  /** The latest per-interval minimum. */
  public static final String VALUE = MetricNames.PREFIX + ".leak.value";

  /** Growth in units per minute. */
  public static final String GROWTH = MetricNames.PREFIX + ".leak.growth";

  /** Seconds until exhaustion while a leak is reported. */
  public static final String TIME_TO_EXHAUSTION = MetricNames.PREFIX + ".leak.time.to.exhaustion";

  /** 1 while post-GC heap usage is over the threshold. */
  public static final String THRESHOLD_EXCEEDED =
      MetricNames.PREFIX + ".leak.heap.threshold.exceeded";

  private final LeakDetector detector;

  private LeakDetectorMetrics(LeakDetector detector) {
    this.detector = detector;
  }

  /**
   * Returns the binder for a detector.
   *
   * @param detector the leak detector
   * @return the binder
   * @throws NullPointerException if {@code detector} is null
   */
  public static LeakDetectorMetrics of(LeakDetector detector) {
    return new LeakDetectorMetrics(Checks.notNull("detector", detector));
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    Checks.notNull("meters", meters);
    String name = detector.name();
    for (GaugeTrend g : detector.report().gauges()) {
      String gauge = g.name();
      Tags tags =
          Tags.of(
              "detector",
              name,
              "gauge",
              gauge,
              "kind",
              g.kind().jsonName(),
              "unit",
              g.unit().jsonName());
      Gauge.builder(STATE, detector, d -> trend(d, gauge).map(t -> t.state().ordinal()).orElse(0))
          .tags(tags)
          .description("Leak state: 0 none, 1 suspected, 2 confirmed")
          .register(meters);
      Gauge.builder(
              VALUE, detector, d -> trend(d, gauge).map(t -> (double) t.value()).orElse(Double.NaN))
          .tags(tags)
          .description("Latest per-interval minimum of the watched gauge")
          .register(meters);
      Gauge.builder(
              GROWTH,
              detector,
              d -> trend(d, gauge).map(GaugeTrend::growthPerMinute).orElse(Double.NaN))
          .tags(tags)
          .description("Robust growth rate in units per minute")
          .register(meters);
      Gauge.builder(
              TIME_TO_EXHAUSTION,
              detector,
              d ->
                  trend(d, gauge)
                      .flatMap(GaugeTrend::timeToExhaustion)
                      .map(t -> t.toMillis() / 1000.0)
                      .orElse(Double.NaN))
          .tags(tags)
          .baseUnit("seconds")
          .description("Time until the limit at the current growth, while a leak is reported")
          .register(meters);
    }
    Gauge.builder(THRESHOLD_EXCEEDED, detector, d -> d.report().heapThresholdExceeded() ? 1 : 0)
        .tag("detector", name)
        .description("1 while heap usage after GC is over the leak detector's threshold")
        .register(meters);
  }

  private static Optional<GaugeTrend> trend(LeakDetector detector, String gauge) {
    return detector.report().gauge(gauge);
  }
}
