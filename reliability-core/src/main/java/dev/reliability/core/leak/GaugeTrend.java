package dev.reliability.core.leak;

import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One gauge's trend at one moment: its leak state, growth rate, projected exhaustion and the
 * evidence the verdict rests on. Produced by {@link TrendDetector#evaluate()} and collected in a
 * {@link LeakReport}.
 *
 * <p>Immutable and thread-safe.
 */
public final class GaugeTrend {

  private final String name;
  private final LeakKind kind;
  private final GaugeUnit unit;
  private final LeakState state;
  private final Instant time;
  private final Instant since;
  private final boolean warmingUp;
  private final long value;
  private final long baseline;
  private final long limit;
  private final double growthPerMinute;
  private final Duration timeToExhaustion;
  private final boolean exhaustionImminent;
  private final Duration span;
  private final int points;
  private final int samples;
  private final int reclamations;
  private final double trendStrength;
  private final String explanation;

  GaugeTrend(
      String name,
      LeakKind kind,
      GaugeUnit unit,
      LeakState state,
      Instant time,
      Instant since,
      boolean warmingUp,
      long value,
      long baseline,
      long limit,
      double growthPerMinute,
      Duration timeToExhaustion,
      Duration span,
      int points,
      int samples,
      int reclamations,
      double trendStrength,
      String explanation) {
    this(
        name,
        kind,
        unit,
        state,
        time,
        since,
        warmingUp,
        value,
        baseline,
        limit,
        growthPerMinute,
        timeToExhaustion,
        false,
        span,
        points,
        samples,
        reclamations,
        trendStrength,
        explanation);
  }

  GaugeTrend(
      String name,
      LeakKind kind,
      GaugeUnit unit,
      LeakState state,
      Instant time,
      Instant since,
      boolean warmingUp,
      long value,
      long baseline,
      long limit,
      double growthPerMinute,
      Duration timeToExhaustion,
      boolean exhaustionImminent,
      Duration span,
      int points,
      int samples,
      int reclamations,
      double trendStrength,
      String explanation) {
    this.name = name;
    this.kind = kind;
    this.unit = unit;
    this.state = state;
    this.time = time;
    this.since = since;
    this.warmingUp = warmingUp;
    this.value = value;
    this.baseline = baseline;
    this.limit = limit;
    this.growthPerMinute = growthPerMinute;
    this.timeToExhaustion = timeToExhaustion;
    this.exhaustionImminent = exhaustionImminent;
    this.span = span;
    this.points = points;
    this.samples = samples;
    this.reclamations = reclamations;
    this.trendStrength = trendStrength;
    this.explanation = explanation;
  }

  /**
   * Returns the gauge's name, such as {@code heap} or {@code threads}.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns what the gauge measures.
   *
   * @return the kind
   */
  public LeakKind kind() {
    return kind;
  }

  /**
   * Returns the unit of {@link #value()}, {@link #limit()} and the growth rate.
   *
   * @return the unit
   */
  public GaugeUnit unit() {
    return unit;
  }

  /**
   * Returns the leak state.
   *
   * @return the state
   */
  public LeakState state() {
    return state;
  }

  /**
   * Returns when this trend was evaluated, from the detector's time source.
   *
   * @return the evaluation time
   */
  public Instant time() {
    return time;
  }

  /**
   * Returns when the current leak state was entered.
   *
   * @return the time of the last change into a leak state, or empty for {@link LeakState#NONE}
   */
  public Optional<Instant> since() {
    return Optional.ofNullable(since);
  }

  /**
   * Returns whether the gauge is still in its warm-up, when no verdict is given.
   *
   * @return true during warm-up
   */
  public boolean warmingUp() {
    return warmingUp;
  }

  /**
   * Returns the gauge's latest value: the smallest sample of the newest {@code sample-interval}
   * that has one (for the heap, the smallest live set after a collection in it: the old generation
   * plus the survivor spaces). During the warm-up, and when the window holds no samples, it is the
   * latest raw sample instead. Verdicts rest on a steadier level, the median of the newest interval
   * minimums, so {@link #explanation()} may quote a slightly different figure.
   *
   * @return the value in {@link #unit()}, or -1 if nothing was sampled yet
   */
  public long value() {
    return value;
  }

  /**
   * Returns where the growth started: the trend line's value at the start of the evidence span,
   * fixed when the suspicion was raised.
   *
   * @return the baseline, or empty for {@link LeakState#NONE}
   */
  public OptionalLong baseline() {
    return state.isLeak() ? OptionalLong.of(baseline) : OptionalLong.empty();
  }

  /**
   * Returns the value at which the resource is exhausted, such as the maximum heap.
   *
   * @return the limit, or empty if the gauge has none
   */
  public OptionalLong limit() {
    return limit > 0 ? OptionalLong.of(limit) : OptionalLong.empty();
  }

  /**
   * Returns the robust (Theil-Sen) growth rate in units per minute over the {@linkplain #span()
   * evidence span}. May be negative; 0 during the warm-up.
   *
   * @return the growth per minute
   */
  public double growthPerMinute() {
    return growthPerMinute;
  }

  /**
   * Returns how long until the value reaches the limit at the current growth rate.
   *
   * @return the projected time to exhaustion; empty unless a leak is reported, the gauge has a
   *     limit and grows
   */
  public Optional<Duration> timeToExhaustion() {
    return Optional.ofNullable(timeToExhaustion);
  }

  /**
   * Returns whether the leak would exhaust its limit sooner than a suspicion can be confirmed
   * ({@code confirm-after}, 5 minutes by default): a leak too fast to wait for the usual evidence.
   * Once set, it stays set while the leak is reported, until a new suspicion starts; the detector
   * raises {@link LeakEvent.Type#EXHAUSTION_IMMINENT} when it is first set.
   *
   * @return true if exhaustion is imminent; false when no leak is reported
   */
  public boolean exhaustionImminent() {
    return exhaustionImminent;
  }

  /**
   * Returns the span of samples the verdict rests on: the longest trailing span whose growth passed
   * every test at this evaluation. While a leak is reported but no span passes (the saw-tooth of a
   * leaking heap can hold recent spans back), the span since the state was entered, or else the
   * last span that passed; when no leak is reported, the longest span judged, up to the window.
   *
   * @return the evidence span; zero during the warm-up
   */
  public Duration span() {
    return span;
  }

  /**
   * Returns how many per-interval minimums the trend was fitted to.
   *
   * @return the number of points
   */
  public int points() {
    return points;
  }

  /**
   * Returns how many raw samples (for the heap: garbage collections) fell in the span.
   *
   * @return the number of samples
   */
  public int samples() {
    return samples;
  }

  /**
   * Returns how many of the span's samples reclaimed old-generation memory (full or mixed
   * collections, concurrent cycles); always 0 for polled gauges.
   *
   * @return the number of reclaiming collections
   */
  public int reclamations() {
    return reclamations;
  }

  /**
   * Returns Kendall's tau of the span's points: 1 for growth in every step, 0 for no order.
   *
   * @return the trend strength between -1 and 1
   */
  public double trendStrength() {
    return trendStrength;
  }

  /**
   * Returns one sentence on why the state is what it is, such as {@code "grows 58.1 MB/min over 45s
   * (tau 0.93, 38 samples, 0 reclaiming) from 20.0 MB to 61.3 MB"}, {@code "warming up, 1m40s
   * left"} or {@code "no sustained growth: 0/min over 1h (tau 0.02)"}.
   *
   * @return the explanation
   */
  public String explanation() {
    return explanation;
  }

  /**
   * Returns this trend as a JSON-ready map with snake_case keys.
   *
   * @return an ordered, unmodifiable map
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("kind", kind.jsonName());
    m.put("unit", unit.jsonName());
    m.put("state", state.jsonName());
    if (since != null) {
      m.put("since", since.toString());
    }
    m.put("warming_up", warmingUp);
    m.put("value", value);
    if (state.isLeak()) {
      m.put("baseline", baseline);
    }
    if (limit > 0) {
      m.put("limit", limit);
    }
    m.put("growth_per_minute", round(growthPerMinute));
    if (timeToExhaustion != null) {
      m.put("time_to_exhaustion_seconds", timeToExhaustion.toSeconds());
    }
    if (exhaustionImminent) {
      m.put("exhaustion_imminent", true);
    }
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("span_seconds", round(span.toMillis() / 1000.0));
    evidence.put("points", points);
    evidence.put("samples", samples);
    evidence.put("reclamations", reclamations);
    evidence.put("trend_strength", round(trendStrength));
    m.put("evidence", java.util.Collections.unmodifiableMap(evidence));
    m.put("explanation", explanation);
    return java.util.Collections.unmodifiableMap(m);
  }

  private static double round(double d) {
    return Math.round(d * 1000.0) / 1000.0;
  }

  /**
   * Formats a growth rate in this trend's unit, such as {@code 1.2 MB/min}.
   *
   * @return the formatted growth rate
   */
  public String formattedGrowth() {
    return unit.format(growthPerMinute) + "/min";
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "GaugeTrend[%s %s: %s, value=%s, growth=%s%s]",
        kind.jsonName(),
        name,
        state.jsonName(),
        unit.format(value),
        formattedGrowth(),
        timeToExhaustion == null
            ? ""
            : ", exhausted in " + DurationText.format(timeToExhaustion.withNanos(0)));
  }
}
