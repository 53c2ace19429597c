package dev.reliability.core.leak;

import dev.reliability.core.internal.DurationText;
import dev.reliability.core.leak.internal.TrendMath;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The trend logic behind {@link TrendDetector}: a ring of per-interval minimums, a multi-scale
 * trend test over it and the leak state machine. Pure computation on given times; no clock, no
 * locking, no allocation per sample.
 *
 * <p>Not thread-safe: {@link TrendDetector} serialises access.
 */
final class TrendEngine {

  /** Fewest points a span's trend is judged on. */
  static final int MIN_POINTS = 5;

  /** Points a span is reduced to: each point is the minimum of span / 16 of samples. */
  static final int TARGET_POINTS = 16;

  /** Share of a span's rise each step between its thirds must show, so growth is spread out. */
  static final double PERSISTENCE = 0.25;

  /**
   * The Mann-Kendall z score a span's rise must reach: a one-sided 0.1% level, so noise alone
   * rarely passes and a noisy series needs more points (a longer span) than a clean one. With
   * perfectly ordered points it takes 8 of them.
   */
  static final double MIN_SIGNIFICANCE = 3.09;

  /** The largest share of a span's rise one increment between neighbouring points may carry. */
  static final double MAX_STEP_SHARE = 0.5;

  /**
   * For a heap rise: the share of intervals that must rise, so growth in a few batches (promoted
   * bursts) does not count but a leak that adds at every collection does.
   */
  static final double MIN_RISING_SHARE = 0.6;

  /** An interval rises if it adds at least this share of the span's average increment. */
  static final double MEANINGFUL_INCREMENT = 0.2;

  /**
   * For a suspected heap rise: the share of the growth the suspected rate predicts since the
   * suspicion that a collection reclaiming old-generation memory must leave in place. Less, and the
   * rise was garbage that had not been collected yet, or growth that has stopped.
   */
  static final double SURVIVING_SHARE = 0.5;

  /**
   * How much faster than the standing suspicion's rate a rise that began after it must grow to be a
   * new leak of its own.
   */
  static final double NEW_GROWTH_FACTOR = 2.0;

  private static final double NANOS_PER_SECOND = 1e9;

  private final String name;
  private final LeakKind kind;
  private final GaugeUnit unit;
  private final long explicitMinIncrease;
  private final double minIncreaseFraction;
  private final double minTrendStrength;
  private final double earlyWarningSeconds;
  private final double returnFraction;
  private final int minCollections;
  private final long intervalNanos;
  private final long windowNanos;
  private final long warmUpNanos;
  private final long minSpanNanos;
  private final long confirmNanos;
  private final long withdrawNanos;
  private final int capacity;

  private final long[] bucketIndex;
  private final long[] bucketMin;
  private final long[] bucketMax;
  private final int[] bucketCount;
  private final int[] bucketReclaims;
  private final long[] bucketReclaimedMin;

  private final long[] viewIndex;
  private final long[] viewMin;
  private final long[] viewMax;
  private final int[] viewCount;
  private final int[] viewReclaims;
  private final long[] viewReclaimedMin;
  private final double[] px;
  private final double[] py;
  private final double[] pmax;
  private final int[] pc;
  private final int[] pr;
  private final long[] pg;
  private final double[] sx;
  private final double[] sy;
  private final double[] scratch;

  private boolean started;
  private long origin;
  private long latest = -1;
  private long lastAfter = -1;
  private boolean collectionBased;
  private double tolerance;
  private long currentLimit;
  private long elapsedNanos;

  private LeakState state = LeakState.NONE;
  private long sinceNanos;
  private Instant since;
  private double baseline;
  private double peak;
  private long lastPassNanos;
  private Span evidence;
  // The episode of the standing suspicion: the robust level and the evidence's rate when it was
  // raised, the heap after the latest collection since then that reclaimed old-generation memory,
  // whether that collection showed the rise to survive, and whether exhaustion was found imminent.
  private double suspectedLevel;
  private long referenceK;
  private double referenceSeconds;
  private double suspectedSlope;
  private double survivingLevel = Double.NaN;
  private boolean verified;
  private boolean imminent;
  // Where the evidence of a suspicion that replaced a standing one starts (elapsed nanos), or -1:
  // spans reaching further back mix the two rises and understate the new one.
  private long episodeStartNanos = -1;
  // The pace (per second) at which the heap's floor still rose when a suspected heap rise was last
  // withdrawn as stopped or garbage: promotion of garbage, which an unverified rise must clearly
  // exceed to be suspected again.
  private double garbagePace;
  // The heap after the reclaiming collection that last showed a suspected rise to be garbage: a
  // new suspicion must rise the minimum increase above it, so the same level, measured after a
  // collection, does not raise the alarm again.
  private double clearedLevel = Double.NEGATIVE_INFINITY;

  TrendEngine(
      String name,
      LeakKind kind,
      GaugeUnit unit,
      long explicitMinIncrease,
      long initialLimit,
      LeakDetectorConfig config) {
    this.name = name;
    this.kind = kind;
    this.unit = unit;
    this.explicitMinIncrease = explicitMinIncrease;
    this.minIncreaseFraction = config.minIncrease();
    this.minTrendStrength = config.minTrendStrength();
    this.earlyWarningSeconds = config.earlyWarningHorizon().toMillis() / 1000.0;
    this.returnFraction = config.returnFraction();
    this.minCollections = config.minCollections();
    this.intervalNanos = config.sampleInterval().toNanos();
    this.windowNanos = config.window().toNanos();
    this.warmUpNanos = config.warmUp().toNanos();
    this.minSpanNanos = config.minSpan().toNanos();
    this.confirmNanos = config.confirmAfter().toNanos();
    this.withdrawNanos = config.withdrawAfter().toNanos();
    this.capacity = (int) Math.max(MIN_POINTS + 1, ceilDiv(windowNanos, intervalNanos) + 1);
    this.bucketIndex = new long[capacity];
    java.util.Arrays.fill(bucketIndex, Long.MIN_VALUE);
    this.bucketMin = new long[capacity];
    this.bucketMax = new long[capacity];
    this.bucketCount = new int[capacity];
    this.bucketReclaims = new int[capacity];
    this.bucketReclaimedMin = new long[capacity];
    this.viewIndex = new long[capacity];
    this.viewMin = new long[capacity];
    this.viewMax = new long[capacity];
    this.viewCount = new int[capacity];
    this.viewReclaims = new int[capacity];
    this.viewReclaimedMin = new long[capacity];
    this.px = new double[capacity];
    this.py = new double[capacity];
    this.pmax = new double[capacity];
    this.pc = new int[capacity];
    this.pr = new int[capacity];
    this.pg = new long[capacity];
    int maxSpanPoints = TARGET_POINTS * 2 + 2;
    this.sx = new double[maxSpanPoints];
    this.sy = new double[maxSpanPoints];
    this.scratch = new double[Math.max(TrendMath.pairCount(maxSpanPoints), maxSpanPoints)];
    this.tolerance = minIncrease(initialLimit) / 2.0;
  }

  String name() {
    return name;
  }

  LeakKind kind() {
    return kind;
  }

  GaugeUnit unit() {
    return unit;
  }

  LeakState state() {
    return state;
  }

  /** Records a polled value. */
  void record(long nanos, long value) {
    add(nanos, value, false);
  }

  /**
   * Records a value measured right after a garbage collection. The collection reclaimed memory of
   * the watched pool if it was a major one or the value dropped, during or since the last one.
   */
  void recordCollection(long nanos, long before, long after, boolean major) {
    collectionBased = true;
    boolean reclaimed =
        major || after < before - tolerance || (lastAfter >= 0 && before < lastAfter - tolerance);
    lastAfter = after;
    add(nanos, after, reclaimed);
  }

  /** Records a post-collection live-set value whose reclamation the caller determined. */
  void recordLive(long nanos, long value, boolean reclaimed) {
    collectionBased = true;
    lastAfter = value;
    add(nanos, value, reclaimed);
  }

  private void add(long nanos, long value, boolean reclaimed) {
    if (!started) {
      started = true;
      origin = nanos;
    }
    latest = value;
    long sinceStart = nanos - origin;
    if (sinceStart < warmUpNanos) {
      return;
    }
    long k = Math.floorDiv(sinceStart - warmUpNanos, intervalNanos);
    int slot = (int) Math.floorMod(k, (long) capacity);
    if (bucketIndex[slot] != k) {
      if (bucketIndex[slot] != Long.MIN_VALUE && bucketIndex[slot] > k) {
        return; // older than anything the window keeps
      }
      bucketIndex[slot] = k;
      bucketMin[slot] = value;
      bucketMax[slot] = value;
      bucketCount[slot] = 0;
      bucketReclaims[slot] = 0;
      bucketReclaimedMin[slot] = Long.MAX_VALUE;
    }
    bucketMin[slot] = Math.min(bucketMin[slot], value);
    bucketMax[slot] = Math.max(bucketMax[slot], value);
    bucketCount[slot]++;
    if (reclaimed) {
      bucketReclaims[slot]++;
      bucketReclaimedMin[slot] = Math.min(bucketReclaimedMin[slot], value);
    }
  }

  /** Evaluates the trend at {@code nanos} (monotonic) / {@code now} (wall clock). */
  GaugeTrend evaluate(long nanos, Instant now, long limit) {
    if (!started) {
      return trend(now, true, -1, limit, null, "no samples yet");
    }
    long sinceStart = nanos - origin;
    if (sinceStart < warmUpNanos) {
      return trend(
          now,
          true,
          latest,
          limit,
          null,
          "warming up, "
              + DurationText.format(Duration.ofNanos(warmUpNanos - sinceStart).withNanos(0))
              + " left");
    }
    double minIncrease = minIncrease(limit);
    tolerance = minIncrease / 2.0;
    currentLimit = limit;
    elapsedNanos = sinceStart - warmUpNanos;
    long nowK = Math.floorDiv(elapsedNanos, intervalNanos);
    int m = view(nowK);
    if (m == 0) {
      return trend(now, false, latest, limit, null, "no samples in the window");
    }
    long latestMin = viewMin[m - 1];
    // Decisions use a robust level: the median of the newest few interval minimums.
    double current = level(m);
    long availableNanos = sinceStart - warmUpNanos - viewIndex[0] * intervalNanos;

    Span best = null;
    Span longest = null;
    // The steepest passing span that began after the standing suspicion: a new rise of its own.
    Span steepestSince = null;
    Span bestInEpisode = null;
    String blocked = null;
    if (availableNanos >= minSpanNanos) {
      long s = minSpanNanos;
      while (true) {
        long spanNanos = Math.min(s, availableNanos);
        Span span = span(nowK, m, spanNanos, minIncrease, true);
        longest = span;
        if (span.passed) {
          best = span;
          if (episodeStartNanos >= 0 && spanNanos <= elapsedNanos - episodeStartNanos) {
            bestInEpisode = span;
          }
          if (state.isLeak()
              && spanNanos <= nanos - sinceNanos
              && (steepestSince == null || span.slope > steepestSince.slope)) {
            steepestSince = span;
          }
        } else if (blocked == null && span.blockedBy != null) {
          blocked = span.blockedBy;
        }
        if (spanNanos >= availableNanos || spanNanos >= windowNanos) {
          break;
        }
        s = Math.min(s * 2, windowNanos);
      }
    }

    if (state.isLeak() && bestInEpisode != null) {
      best = bestInEpisode;
    }
    // The state machine.
    if (best != null) {
      lastPassNanos = nanos;
      evidence = best;
    }
    String verdict = null;
    if (state == LeakState.NONE) {
      if (best != null && collectionBased && current < clearedLevel + minIncrease) {
        blocked =
            "rise stays within the minimum increase of "
                + unit.format(clearedLevel)
                + ", the heap after the collection that last showed a rise to be garbage";
        best = null;
      } else if (best != null) {
        suspect(nanos, now, best, current, m);
      }
    } else {
      peak = Math.max(peak, current);
      if (state == LeakState.SUSPECTED
          && steepestSince != null
          && steepestSince.slope >= NEW_GROWTH_FACTOR * suspectedSlope) {
        // A rise that began after the suspicion and grows much faster than it: a new leak (say,
        // one that started while a warming cache was suspected). It starts an episode of its own,
        // with its own baseline, so it is reported and projected on its own evidence.
        suspect(nanos, now, steepestSince, current, m);
        episodeStartNanos = elapsedNanos - steepestSince.spanNanos;
        best = steepestSince;
        evidence = steepestSince;
        verdict = "new growth, faster than the suspicion that stood";
      }
      suspectedSlope = Math.max(suspectedSlope, best == null ? 0 : best.slope);
      // Back in the earlier range: for the heap, within half the minimum increase of where the
      // growth started (peaks before a collection hold garbage, so they say nothing); for polled
      // gauges, also when the gauge gave back the return fraction of its rise.
      double band = tolerance;
      if (!collectionBased) {
        band = Math.max(band, (1 - returnFraction) * (peak - baseline));
      }
      boolean returned = current <= baseline + band;
      // Without growth for the withdrawal time, or for half the span of the evidence if that is
      // longer: growth seen over an hour, such as a gauge that steps up every half hour, is not
      // over after a few flat minutes. A suspected heap rise counts as growing only while spans
      // pass: between old-generation collections the heap's floor also rises by promoted garbage,
      // which is no evidence that the rise goes on.
      long quietNanos = Math.max(withdrawNanos, evidence == null ? 0 : evidence.spanNanos / 2);
      boolean growing =
          nanos - lastPassNanos < quietNanos
              || ((!collectionBased || state == LeakState.CONFIRMED)
                  && riseOver(nowK, m, Math.min(quietNanos, availableNanos), minIncrease)
                      >= minIncrease);
      String garbage = collectionBased ? survival(nanos, m, minIncrease) : null;
      if (garbage == null && collectionBased) {
        garbage = slowed(nanos, nowK, m, availableNanos, minIncrease);
      }
      if (returned || !growing || garbage != null) {
        LeakState was = state;
        state = LeakState.NONE;
        since = null;
        evidence = null;
        imminent = false;
        episodeStartNanos = -1;
        String why =
            garbage != null
                ? garbage
                : returned
                    ? "back to "
                        + unit.format(current)
                        + ", within the earlier range (baseline "
                        + unit.format(baseline)
                        + ")"
                    : "no growth for " + DurationText.format(Duration.ofNanos(quietNanos));
        return trend(
            now, false, latestMin, limit, longest, was.jsonName() + " leak withdrawn: " + why);
      }
      if (state == LeakState.SUSPECTED
          && nanos - sinceNanos >= confirmNanos
          && current >= baseline + minIncrease
          && (!collectionBased || verified)
          && riseOver(nowK, m, Math.min(nanos - sinceNanos, availableNanos), minIncrease)
              >= minIncrease) {
        state = LeakState.CONFIRMED;
        since = now;
        sinceNanos = nanos;
      }
    }

    if (state.isLeak()) {
      // The evidence: the span that passes now, else the span since the state was entered (a
      // confirmed heap leak's recent spans may be held back by its saw-tooth), else the last
      // span that passed.
      Span shown = best;
      if (shown == null) {
        Span recent =
            span(
                nowK,
                m,
                Math.max(minSpanNanos, Math.min(nanos - sinceNanos, availableNanos)),
                minIncrease,
                false);
        shown = recent.points >= MIN_POINTS && recent.slope > 0 ? recent : evidence;
      }
      double perSecond = shown.slope;
      Duration exhaustion = null;
      if (limit > 0 && perSecond > 0) {
        double seconds = Math.max(0, limit - current) / perSecond;
        exhaustion = Duration.ofMillis((long) Math.min(seconds * 1000, Long.MAX_VALUE / 2.0));
      }
      // Exhaustion is imminent when it would come sooner than a suspicion can be confirmed: the
      // leak would end the process before the usual evidence is in, so it escalates now. Once
      // raised, it stays for the episode.
      if (exhaustion != null && exhaustion.toNanos() <= confirmNanos) {
        imminent = true;
      }
      int reclaims = shown.reclaims;
      String survived = "";
      if (collectionBased && verified) {
        // The verdict rests on the collection that reclaimed old-generation memory since the
        // suspicion, which the shown span may not reach back to.
        reclaims = Math.max(reclaims, 1);
        survived =
            "; "
                + unit.format(survivingLevel)
                + " survived a collection that reclaimed old-generation memory, "
                + unit.format(survivingLevel - suspectedLevel)
                + " more than the reference ("
                + unit.format(suspectedLevel)
                + ")";
      } else if (collectionBased && reclaims == 0) {
        survived = "; unverified: no collection has reclaimed old-generation memory since";
      }
      String text =
          String.format(
              Locale.ROOT,
              "%sgrows %s/min over %s (tau %.2f, %d samples%s) from %s to %s%s",
              verdict == null ? "" : verdict + ": ",
              unit.format(perSecond * 60),
              DurationText.format(Duration.ofNanos(shown.spanNanos).withNanos(0)),
              shown.tau,
              shown.samples,
              collectionBased ? ", " + reclaims + " reclaiming" : "",
              unit.format(baseline),
              unit.format(current),
              survived);
      return new GaugeTrend(
          name,
          kind,
          unit,
          state,
          now,
          since,
          false,
          latestMin,
          Math.round(baseline),
          limit,
          perSecond * 60,
          exhaustion,
          imminent,
          Duration.ofNanos(shown.spanNanos),
          shown.points,
          shown.samples,
          reclaims,
          shown.tau,
          text);
    }
    String text;
    if (longest == null) {
      text =
          "collecting, "
              + DurationText.format(Duration.ofNanos(minSpanNanos - availableNanos).withNanos(0))
              + " until the minimum span";
    } else if (blocked != null) {
      text = blocked;
    } else {
      text =
          String.format(
              Locale.ROOT,
              "no sustained growth: %s/min over %s (tau %.2f)",
              unit.format(longest.slope * 60),
              DurationText.format(Duration.ofNanos(longest.spanNanos).withNanos(0)),
              longest.tau);
    }
    return trend(now, false, latestMin, limit, longest, text);
  }

  /**
   * Starts a suspicion episode on the given evidence. The reference a later reclaiming collection
   * is compared with is measured the same way: the heap after the newest collection in the window
   * that reclaimed old-generation memory (the lowest value from it on), else, with none, the level
   * now (which may hold garbage, so the comparison leans towards withdrawing); the growth expected
   * by then is counted from that collection or the start of the evidence, whichever is later.
   */
  private void suspect(long nanos, Instant now, Span span, double current, int m) {
    state = LeakState.SUSPECTED;
    episodeStartNanos = -1;
    sinceNanos = nanos;
    since = now;
    baseline = span.baseline;
    peak = current;
    suspectedSlope = span.slope;
    double spanStart = (elapsedNanos - span.spanNanos) / NANOS_PER_SECOND;
    int newest = newestReclaim(m, m, Long.MIN_VALUE);
    if (collectionBased && newest >= 0) {
      referenceK = viewIndex[newest];
      suspectedLevel = lowestFrom(newest, m);
      referenceSeconds = Math.max(spanStart, (referenceK + 1) * intervalNanos / NANOS_PER_SECOND);
    } else {
      referenceK = Math.floorDiv(elapsedNanos, intervalNanos);
      suspectedLevel = current;
      referenceSeconds = elapsedNanos / NANOS_PER_SECOND;
    }
    survivingLevel = Double.NaN;
    verified = false;
    imminent = false;
  }

  /**
   * Judges a suspected heap rise by the collections since the suspicion that reclaimed
   * old-generation memory: the heap after them (the lowest value from the newest such collection
   * on, once the few buckets after it are in) against the level when the suspicion was raised.
   * Growth at the suspected rate must mostly survive; if it does, the rise is verified. Returns why
   * the suspicion is withdrawn, or null.
   */
  private String survival(long nanos, int m, double minIncrease) {
    if (state != LeakState.SUSPECTED) {
      return null;
    }
    int newest = newestReclaim(m, m - levelCount(m), referenceK);
    if (newest < 0) {
      return null;
    }
    double after = lowestFrom(newest, m);
    double seconds = (viewIndex[newest] + 1) * intervalNanos / NANOS_PER_SECOND;
    double expected = suspectedSlope * Math.max(0, seconds - referenceSeconds);
    double need = Math.max(minIncrease, SURVIVING_SHARE * expected);
    survivingLevel = after;
    if (after - suspectedLevel >= need) {
      verified = true;
      return null;
    }
    if (expected < minIncrease) {
      return null; // too soon after the suspicion for the rise to show
    }
    verified = false;
    clearedLevel = after;
    garbagePace =
        Math.max(
            garbagePace,
            Math.max(0, after - suspectedLevel) / Math.max(1, seconds - referenceSeconds));
    return String.format(
        Locale.ROOT,
        "a collection that reclaimed old-generation memory left %s, %s more than the reference"
            + " (%s), where growth at the suspected %s/min would have added %s: the rise was"
            + " garbage not yet collected, or has stopped",
        unit.format(after),
        unit.format(Math.max(0, after - suspectedLevel)),
        unit.format(suspectedLevel),
        unit.format(suspectedSlope * 60),
        unit.format(expected));
  }

  /**
   * Judges a suspected heap rise by its pace since the suspicion: once half the withdrawal time has
   * passed, the floor must still grow at least the surviving share of the suspected rate. A
   * legitimate rise that stopped (a cache that filled, a step in load) leaves the floor rising only
   * by promoted garbage, far slower; a leak keeps its pace. Returns why the suspicion is withdrawn,
   * or null.
   */
  private String slowed(long nanos, long nowK, int m, long availableNanos, double minIncrease) {
    long suspectedFor = nanos - sinceNanos;
    if (state != LeakState.SUSPECTED || suspectedFor < Math.max(minSpanNanos, withdrawNanos / 2)) {
      return null;
    }
    Span recent = span(nowK, m, Math.min(suspectedFor, availableNanos), minIncrease, false);
    if (recent.points < MIN_POINTS || recent.slope >= SURVIVING_SHARE * suspectedSlope) {
      return null;
    }
    garbagePace = Math.max(0, recent.slope);
    return String.format(
        Locale.ROOT,
        "the rise slowed to %s/min over the %s since it was suspected at %s/min: it has stopped,"
            + " and what still adds is garbage waiting for an old-generation collection",
        unit.format(Math.max(0, recent.slope) * 60),
        DurationText.format(Duration.ofNanos(recent.spanNanos).withNanos(0)),
        unit.format(suspectedSlope * 60));
  }

  /**
   * The newest of the first {@code below} buckets of the view that holds a reclaiming collection
   * and is newer than bucket {@code afterK}, or -1.
   */
  private int newestReclaim(int m, int below, long afterK) {
    for (int i = Math.min(m, below) - 1; i >= 0 && viewIndex[i] > afterK; i--) {
      if (viewReclaims[i] > 0) {
        return i;
      }
    }
    return -1;
  }

  /** The heap after the reclaiming collection in bucket {@code i}: the lowest value from it on. */
  private double lowestFrom(int i, int m) {
    double lowest = viewReclaimedMin[i];
    for (int j = i; j < m; j++) {
      lowest = Math.min(lowest, viewMin[j]);
    }
    return lowest;
  }

  private GaugeTrend trend(
      Instant now, boolean warmingUp, long value, long limit, Span span, String explanation) {
    return new GaugeTrend(
        name,
        kind,
        unit,
        LeakState.NONE,
        now,
        null,
        warmingUp,
        value,
        -1,
        limit,
        span == null ? 0 : span.slope * 60,
        null,
        span == null ? Duration.ZERO : Duration.ofNanos(span.spanNanos),
        span == null ? 0 : span.points,
        span == null ? 0 : span.samples,
        span == null ? 0 : span.reclaims,
        span == null ? 0 : span.tau,
        explanation);
  }

  double minIncrease(long limit) {
    if (explicitMinIncrease > 0) {
      return explicitMinIncrease;
    }
    return limit > 0 ? Math.max(1, minIncreaseFraction * limit) : 1;
  }

  /** The median of the newest interval minimums: a third of the minimum span, at least 3. */
  private double level(int m) {
    int count = levelCount(m);
    for (int i = 0; i < count; i++) {
      scratch[i] = viewMin[m - 1 - i];
    }
    return TrendMath.median(scratch, count);
  }

  private int levelCount(int m) {
    return (int) Math.min(m, Math.max(3, minSpanNanos / intervalNanos / 3));
  }

  /** Copies the window's non-empty buckets, oldest first; returns how many. */
  private int view(long nowK) {
    int m = 0;
    for (long k = nowK - capacity + 1; k <= nowK; k++) {
      int slot = (int) Math.floorMod(k, (long) capacity);
      if (bucketIndex[slot] == k && bucketCount[slot] > 0) {
        viewIndex[m] = k;
        viewMin[m] = bucketMin[slot];
        viewMax[m] = bucketMax[slot];
        viewCount[m] = bucketCount[slot];
        viewReclaims[m] = bucketReclaims[slot];
        viewReclaimedMin[m] = bucketReclaimedMin[slot];
        m++;
      }
    }
    return m;
  }

  private double riseOver(long nowK, int m, long spanNanos, double minIncrease) {
    if (spanNanos < minSpanNanos) {
      return 0;
    }
    Span s = span(nowK, m, spanNanos, minIncrease, false);
    return s.points >= MIN_POINTS ? s.slope * spanNanos / NANOS_PER_SECOND : 0;
  }

  /**
   * Judges the trailing span: reduces the window to per-group minimums at a resolution of about
   * span / 16, applies the earlier-range guard, then the trend tests.
   */
  private Span span(long nowK, int m, long spanNanos, double minIncrease, boolean judge) {
    long res = Math.max(1, ceilDiv(spanNanos, TARGET_POINTS * intervalNanos));
    // Group every bucket of the window into points, oldest first; group 0 ends at nowK.
    int n = 0;
    long currentGroup = Long.MIN_VALUE;
    for (int i = 0; i < m; i++) {
      long g = Math.floorDiv(nowK - viewIndex[i], res);
      if (n == 0 || g != currentGroup) {
        currentGroup = g;
        long endK = nowK - g * res;
        px[n] = ((endK - res + 1) + endK + 1) / 2.0 * intervalNanos / NANOS_PER_SECOND;
        py[n] = viewMin[i];
        pmax[n] = viewMax[i];
        pc[n] = viewCount[i];
        pr[n] = viewReclaims[i];
        pg[n] = g;
        n++;
      } else {
        py[n - 1] = Math.min(py[n - 1], viewMin[i]);
        pmax[n - 1] = Math.max(pmax[n - 1], viewMax[i]);
        pc[n - 1] += viewCount[i];
        pr[n - 1] += viewReclaims[i];
      }
    }
    Span span = new Span(spanNanos);
    // Earlier-range guard: a level reached and given back (the minimums drop by at least the
    // minimum increase) must be exceeded before a new rise counts. The range reaches up to the
    // highest sample before the drop.
    double segmentFloorMax = Double.NEGATIVE_INFINITY;
    double segmentPeak = Double.NEGATIVE_INFINITY;
    double earlierTop = Double.NaN;
    for (int j = 0; j < n; j++) {
      if (py[j] < segmentFloorMax - minIncrease) {
        // The dropping group's own peak may have come before its drop (promoted data, then the
        // collection that reclaimed it): it belongs to the level given back.
        earlierTop = Math.max(segmentPeak, pmax[j]);
        segmentFloorMax = py[j];
        segmentPeak = pmax[j];
      } else {
        segmentFloorMax = Math.max(segmentFloorMax, py[j]);
        segmentPeak = Math.max(segmentPeak, pmax[j]);
      }
    }
    // The span's points: the groups from the one holding the span's start to the newest.
    long firstK = Math.floorDiv(elapsedNanos - spanNanos, intervalNanos);
    long groups = ceilDiv(nowK - firstK + 1, res);
    double spanStartSeconds = (elapsedNanos - spanNanos) / NANOS_PER_SECOND;
    int k = 0;
    int lateReclaims = 0;
    double middle = spanStartSeconds + spanNanos / NANOS_PER_SECOND / 2;
    for (int j = 0; j < n; j++) {
      if (pg[j] < groups && k < sx.length) {
        sx[k] = px[j];
        sy[k] = py[j];
        span.samples += pc[j];
        span.reclaims += pr[j];
        if (px[j] >= middle) {
          lateReclaims += pr[j];
        }
        k++;
      }
    }
    span.points = k;
    if (k < 2) {
      return span;
    }
    span.slope = TrendMath.theilSenSlope(sx, sy, k, scratch);
    span.tau = TrendMath.kendallTau(sy, k);
    double intercept = TrendMath.intercept(sx, sy, k, span.slope, scratch);
    double lowest = sy[0];
    for (int j = 1; j < k; j++) {
      lowest = Math.min(lowest, sy[j]);
    }
    // Where the growth started: the trend line at the span's start, but never below what was seen.
    span.baseline = Math.max(lowest, intercept + span.slope * spanStartSeconds);
    if (!judge || k < MIN_POINTS) {
      return span;
    }
    if (collectionBased && span.samples < minCollections) {
      return span;
    }
    double rise = span.slope * spanNanos / NANOS_PER_SECOND;
    if (span.slope <= 0
        || span.tau < minTrendStrength
        || TrendMath.mannKendallZ(span.tau, k) < MIN_SIGNIFICANCE
        || rise < minIncrease) {
      return span;
    }
    // Growth must be spread over the span and reach its end: from each third to the next, the
    // medians rise by at least a quarter of the whole rise (a step or a plateau fails this).
    int a = (int) Math.round(k / 3.0);
    int b = (int) Math.round(2 * k / 3.0);
    double m1 = median(sy, 0, a);
    double m2 = median(sy, a, b);
    double m3 = median(sy, b, k);
    double share = PERSISTENCE * (m3 - m1);
    if (m3 - m1 <= 0 || m2 - m1 < share || m3 - m2 < share) {
      return span;
    }
    // The newest value must still be up: a rise given back at the end of the span is not growth.
    if (sy[k - 1] < span.baseline + tolerance) {
      return span;
    }
    // A step: one increment between neighbouring points carries most of the rise.
    double total = sy[k - 1] - sy[0];
    for (int j = 1; j < k; j++) {
      if (sy[j] - sy[j - 1] > MAX_STEP_SHARE * Math.max(total, m3 - m1)) {
        return span;
      }
    }
    if (!Double.isNaN(earlierTop) && py[n - 1] <= earlierTop + tolerance) {
      span.blockedBy =
          "rise stays within the earlier range (up to "
              + unit.format(earlierTop)
              + ", given back since)";
      return span;
    }
    if (collectionBased) {
      // The heap grows by what survives collections, and a leak adds at (nearly) every one:
      // promoted batches of garbage add in a few jumps and wait for an old-generation cycle, which
      // may be minutes away. So only continuous growth counts, verified or not; a leak that adds
      // in a few large batches shows as continuous over a span long enough that each point sees
      // one.
      int rising = 0;
      double meaningful = MEANINGFUL_INCREMENT * (sy[k - 1] - sy[0]) / (k - 1);
      for (int j = 1; j < k; j++) {
        if (sy[j] - sy[j - 1] > Math.max(0, meaningful)) {
          rising++;
        }
      }
      if (rising < MIN_RISING_SHARE * (k - 1)) {
        span.blockedBy =
            String.format(
                Locale.ROOT,
                "%srise of %s/min in steps (%d of %d intervals rose)%s",
                lateReclaims == 0 ? "unverified " : "",
                unit.format(span.slope * 60),
                rising,
                k - 1,
                lateReclaims == 0 ? ", no old-generation collection in its later half" : "");
        return span;
      }
    }
    if (collectionBased && lateReclaims == 0) {
      // Unverified: no collection reclaimed anything in the later half of the span, so the rise
      // may be garbage that was promoted and not yet collected. It counts only if it would exhaust
      // the heap soon.
      double headroom = currentLimit > 0 ? currentLimit - py[n - 1] : Double.POSITIVE_INFINITY;
      double seconds = headroom / span.slope;
      if (!(seconds <= earlyWarningSeconds)) {
        span.blockedBy =
            String.format(
                Locale.ROOT,
                "unverified rise of %s/min: no old-generation collection in its later half, and %s",
                unit.format(span.slope * 60),
                currentLimit > 0
                    ? "it would last "
                        + DurationText.format(Duration.ofSeconds((long) seconds))
                        + ", beyond the early-warning horizon"
                    : "no limit to project against");
        return span;
      }
      if (span.slope < NEW_GROWTH_FACTOR * garbagePace) {
        span.blockedBy =
            String.format(
                Locale.ROOT,
                "unverified rise of %s/min: no old-generation collection in its later half, and not"
                    + " clearly faster than the %s/min of garbage promotion seen when the last"
                    + " suspicion was withdrawn",
                unit.format(span.slope * 60),
                unit.format(garbagePace * 60));
        return span;
      }
    }
    span.passed = true;
    return span;
  }

  private double median(double[] values, int from, int to) {
    int len = to - from;
    System.arraycopy(values, from, scratch, 0, len);
    return TrendMath.median(scratch, len);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  /** The verdict on one span. */
  private static final class Span {
    final long spanNanos;
    int points;
    int samples;
    int reclaims;
    double slope;
    double tau;
    double baseline;
    boolean passed;
    String blockedBy;

    Span(long spanNanos) {
      this.spanNanos = spanNanos;
    }
  }
}
