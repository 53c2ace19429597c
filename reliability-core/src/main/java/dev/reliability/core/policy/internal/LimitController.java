package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.policy.AdaptiveLimitConfig.Algorithm;
import dev.reliability.core.time.TimeSource;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The state of an adaptive concurrency limit: the permits ({@link PartitionPermits}), the window of
 * latency samples, the baseline and its probe, and the limit the algorithm computes at the end of
 * each window.
 *
 * <p>Samples are aggregated per window: a window ends once it holds at least {@value #MIN_SAMPLES}
 * samples and has lasted at least twice the baseline. The sampling thread that then wins the
 * try-lock {@code closing} takes the window's sums and computes the next limit; every other thread
 * goes on without waiting. A sample of a call that started before the last decrease of the limit
 * (or the start of a probe) is not counted: it measured the queue of the old limit and would make
 * the limit shrink twice for the same overload.
 *
 * <p>Baseline: the lowest window average since the last probe. Gradient probes at start and then
 * every probe interval (jittered by up to 10%): the limit is held at {@code max(min, limit / 4)}
 * for {@value #PROBE_WINDOWS} windows, the lowest of their averages becomes the baseline, and the
 * limit before the probe is restored. AIMD only forgets the baseline at each probe interval (it
 * does not use it to decide).
 *
 * <p>No {@code synchronized} and no allocation on the acquire and sample paths; the only waits are
 * compare-and-set retries.
 *
 * <p>Internal: may change at any time.
 */
public final class LimitController {

  /** Samples a window needs before it may end. */
  static final int MIN_SAMPLES = 10;

  /** Windows a probe holds the limit low. */
  static final int PROBE_WINDOWS = 2;

  /** A window stops counting at this many samples, so the 16-bit count never overflows. */
  private static final int COUNT_CAP = 1 << 15;

  /** Samples are clamped to this many microseconds (71 minutes), so the 48-bit sum never does. */
  private static final long MAX_SAMPLE_MICROS = (1L << 32) - 1;

  private final TimeSource time;
  private final int minSamples;
  private final boolean gradient;
  private final int minLimit;
  private final int maxLimit;
  private final double tolerance;
  private final double backoffRatio;
  private final long latencyThresholdNanos;
  private final long probeIntervalNanos;
  private final PartitionPermits permits;
  private final LongAdder[] rejected;

  private volatile int limit;

  /**
   * The current window: the sum of sample latencies in microseconds in bits 16 to 63 and the number
   * of samples in bits 0 to 15. One {@code getAndAdd} per sample adds both, so the sum and count
   * the closing thread takes with {@code getAndSet(0)} always belong to the same samples. The count
   * stops growing at {@link #COUNT_CAP} (checked before adding, so it can exceed the cap only by
   * the number of threads adding at once, far below 65,536); with samples clamped to 2^32
   * microseconds the sum stays below 2^48.
   */
  private final AtomicLong window = new AtomicLong();

  private final AtomicInteger windowDrops = new AtomicInteger();

  /** Whether the limit constrained calls during the window; written true on the acquire path. */
  private volatile boolean saturated;

  /** Samples of calls that started before this time are not counted. */
  private volatile long countFromNanos;

  private volatile long windowStartNanos;

  /**
   * The try-lock of the window's end: 0 free, 1 held. Invariant: only the thread that moved it from
   * 0 to 1 reads or writes the fields below marked "closer's"; it sets it back to 0 when done, and
   * that volatile write orders its writes before the next holder's compare-and-set.
   */
  private final AtomicInteger closing = new AtomicInteger();

  private volatile long baselineNanos; // written by the closer only
  private volatile long estimateNanos; // written by the closer only
  private volatile long windowedSamples; // written by the closer only: samples of ended windows
  private boolean probing; // closer's
  private int probeWindowsLeft; // closer's
  private long probeLowestNanos; // closer's
  private int limitBeforeProbe; // closer's
  private long nextProbeNanos; // closer's
  private long random; // closer's: xorshift state for the probe's jitter

  /**
   * Creates the state.
   *
   * @param name the limiter's name, seeding the probe's jitter
   * @param config the configuration
   * @param time the time source
   */
  public LimitController(String name, AdaptiveLimitConfig config, TimeSource time) {
    this(name, config, time, MIN_SAMPLES);
  }

  /** Creates the state with windows of another size, for model checks of small cases. */
  LimitController(String name, AdaptiveLimitConfig config, TimeSource time, int minSamples) {
    this.minSamples = minSamples;
    this.time = time;
    this.gradient = config.algorithm() == Algorithm.GRADIENT;
    this.minLimit = config.minLimit();
    this.maxLimit = config.maxLimit();
    this.tolerance = config.tolerance();
    this.backoffRatio = config.backoffRatio();
    this.latencyThresholdNanos = config.latencyThreshold().toNanos();
    this.probeIntervalNanos = config.probeInterval().toNanos();
    double[] shares = new double[1 + config.partitions().size()];
    int i = 1;
    for (double share : config.partitions().values()) {
      shares[i++] = share;
    }
    this.permits = new PartitionPermits(shares);
    this.rejected = new LongAdder[shares.length];
    for (int s = 0; s < shares.length; s++) {
      rejected[s] = new LongAdder();
    }
    this.random = name.hashCode() * 0x9E3779B97F4A7C15L | 1L;
    long now = time.nanoTime();
    this.windowStartNanos = now;
    this.countFromNanos = now;
    this.limit = config.initialLimit();
    if (gradient) {
      startProbe(now);
    } else {
      nextProbeNanos = now + jittered(probeIntervalNanos);
    }
  }

  /**
   * Takes a permit for a partition's slot if the limit allows.
   *
   * @param slot the slot
   * @return whether a permit was taken
   */
  public boolean tryAcquire(int slot) {
    int l = limit;
    if (permits.tryAcquire(slot, l)) {
      if (!saturated && permits.total() >= (gradient ? l : (l + 1) / 2)) {
        saturated = true;
      }
      return true;
    }
    if (!saturated) {
      saturated = true;
    }
    rejected[slot].increment();
    return false;
  }

  /**
   * Ends a call with a latency sample.
   *
   * @param slot the slot whose permit the call held
   * @param latencyNanos the call's duration
   * @param dropped whether it timed out or failed by overload
   */
  public void onSample(int slot, long latencyNanos, boolean dropped) {
    if (!permits.release(slot)) {
      return;
    }
    long now = time.nanoTime();
    long latency = Math.max(0, latencyNanos);
    if (now - latency - countFromNanos >= 0) {
      boolean drop = dropped || (!gradient && latency > latencyThresholdNanos);
      if (drop) {
        windowDrops.incrementAndGet();
      }
      if ((window.get() & 0xFFFF) < COUNT_CAP) {
        long micros = Math.min(latency / 1_000, MAX_SAMPLE_MICROS);
        window.getAndAdd((micros << 16) + 1);
      }
    }
    maybeEndWindow(now);
  }

  /**
   * Ends a call without a sample.
   *
   * @param slot the slot whose permit the call held
   */
  public void onIgnored(int slot) {
    permits.release(slot);
  }

  private void maybeEndWindow(long now) {
    if ((window.get() & 0xFFFF) < minSamples
        || now - windowStartNanos < 2 * baselineNanos
        || !closing.compareAndSet(0, 1)) {
      return;
    }
    try {
      endWindow(now);
    } finally {
      closing.set(0);
    }
  }

  /** Computes the next limit from the window; called by the holder of {@link #closing} only. */
  private void endWindow(long now) {
    long w = window.getAndSet(0);
    int drops = windowDrops.getAndSet(0);
    boolean wasSaturated = saturated;
    saturated = false;
    windowStartNanos = now;
    int count = (int) (w & 0xFFFF);
    if (count == 0) {
      return;
    }
    windowedSamples += count;
    long avg = (w >>> 16) / count * 1_000;
    long est = estimateNanos;
    estimateNanos = est == 0 ? avg : (est + avg) / 2;
    int current = limit;
    if (probing) {
      probeLowestNanos = Math.min(probeLowestNanos, avg);
      if (--probeWindowsLeft <= 0) {
        probing = false;
        baselineNanos = Math.max(1, probeLowestNanos);
        limit = clamp(limitBeforeProbe);
        nextProbeNanos = now + jittered(probeIntervalNanos);
      }
      return;
    }
    long baseline = baselineNanos;
    if (baseline == 0 || avg < baseline) {
      baseline = Math.max(1, avg);
      baselineNanos = baseline;
    }
    if (now - nextProbeNanos >= 0) {
      if (gradient) {
        startProbe(now);
        return;
      }
      baselineNanos = 0;
      nextProbeNanos = now + jittered(probeIntervalNanos);
    }
    int next =
        gradient
            ? nextGradient(current, avg, baseline, drops, wasSaturated)
            : nextAimd(current, drops, wasSaturated);
    next = clamp(next);
    if (next < current) {
      countFromNanos = now;
    }
    limit = next;
  }

  private int nextGradient(int current, long avg, long baseline, int drops, boolean wasSaturated) {
    double allowed = tolerance * baseline;
    if (drops > 0) {
      int shrunk = (int) (current * backoffRatio);
      return avg > allowed
          ? Math.min(shrunk, (int) (current * Math.max(0.5, allowed / avg)))
          : shrunk;
    }
    if (avg > allowed) {
      return Math.min(current - 1, (int) (current * Math.max(0.5, allowed / avg)));
    }
    if (!wasSaturated) {
      return current;
    }
    // Near the baseline (no queue yet): grow fast. Above it, calls queue and latency grows with the
    // limit at worst in proportion: grow by one only if the latency that predicts stays allowed,
    // so the limit settles at or just below tolerance x knee instead of oscillating above it.
    if (avg <= baseline * (1 + (tolerance - 1) / 2)) {
      return current + Math.max(1, (int) Math.sqrt(current));
    }
    return (double) avg * (current + 1) <= allowed * current ? current + 1 : current;
  }

  private int nextAimd(int current, int drops, boolean wasSaturated) {
    if (drops > 0) {
      return Math.min(current - 1, (int) (current * backoffRatio));
    }
    return wasSaturated ? current + 1 : current;
  }

  private void startProbe(long now) {
    probing = true;
    probeWindowsLeft = PROBE_WINDOWS;
    probeLowestNanos = Long.MAX_VALUE;
    limitBeforeProbe = limit;
    limit = Math.max(minLimit, limit / 4);
    countFromNanos = now;
  }

  private long jittered(long interval) {
    long x = random;
    x ^= x << 13;
    x ^= x >>> 7;
    x ^= x << 17;
    random = x;
    double u = (x >>> 11) * 0x1.0p-53;
    return interval - (long) (interval * 0.1 * u);
  }

  private int clamp(int value) {
    return Math.max(minLimit, Math.min(maxLimit, value));
  }

  /** Returns the current limit. */
  public int limit() {
    return limit;
  }

  /** Returns the calls in flight in every partition. */
  public int inFlight() {
    return permits.total();
  }

  /** Returns the calls in flight of a slot. */
  public int inFlight(int slot) {
    return permits.inFlight(slot);
  }

  /** Returns the permits reserved for a slot under the current limit. */
  public int reserved(int slot) {
    return permits.reserved(slot, limit);
  }

  /** Returns the refusals of a slot. */
  public long rejected(int slot) {
    return rejected[slot].sum();
  }

  /** Returns the refusals of every slot. */
  public long rejected() {
    long sum = 0;
    for (LongAdder r : rejected) {
      sum += r.sum();
    }
    return sum;
  }

  /** Returns the smoothed average latency of recent windows, 0 before the first. */
  public long estimateNanos() {
    return estimateNanos;
  }

  /** Returns the samples counted in ended windows. */
  public long windowedSamples() {
    return windowedSamples;
  }

  /** Returns the samples counted in the current window. */
  public int pendingSamples() {
    return (int) (window.get() & 0xFFFF);
  }

  /** Returns the baseline latency, 0 before it is measured. */
  public long baselineNanos() {
    return baselineNanos;
  }
}
