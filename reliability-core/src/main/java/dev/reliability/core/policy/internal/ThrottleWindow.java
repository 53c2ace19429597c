package dev.reliability.core.policy.internal;

import dev.reliability.core.time.TimeSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The sliding window of an adaptive throttle: requests and accepts counted in time buckets on the
 * injected clock, without a lock and without allocation per call (a bucket is allocated once per
 * bucket period, by the call that opens it).
 *
 * <p>A ring of {@code n} slots; the bucket of epoch {@code e} (the number of whole bucket periods
 * since the window was made) lives in slot {@code e mod n}. Each bucket keeps both counts in one
 * long (requests in the high 32 bits, accepts in the low 32 bits), so one atomic add records an
 * event and one read gives a bucket's consistent pair. The window at epoch {@code e} is the buckets
 * of epochs {@code e - n + 1} to {@code e}.
 *
 * <p><b>The compare-and-set invariant</b> (on a slot of {@link #ring}): a slot holds either the
 * {@link #EMPTY} bucket or a bucket whose epoch is congruent to the slot's index modulo {@code n};
 * a slot is only ever changed by one compare-and-set from the bucket a thread read to a fresh
 * bucket of a strictly greater epoch. So a slot's epoch only grows, exactly one thread opens each
 * bucket (the losers read the winner's bucket and count there), and a count added to a bucket is
 * lost only once its slot has moved on by {@code n} periods, when that bucket has left the window
 * anyway. A thread whose clock reading is older than the slot's bucket counts in the newer bucket.
 *
 * <p>Sums over the slots are not one atomic snapshot: while the clock stands still every event
 * lands in the one current bucket and the sums are exact; across a boundary a concurrent reader may
 * see a count in the new bucket and miss one made just before in the old bucket (see
 * ThrottleWindowModelCheckTest). The throttle only needs an estimate.
 *
 * <p>Thread-safe. Internal: may change at any time.
 */
public final class ThrottleWindow {

  /** One request: added to a bucket's packed counts. */
  public static final long REQUEST = 1L << 32;

  /** One accept: added to a bucket's packed counts. */
  public static final long ACCEPT = 1L;

  private static final long ACCEPTS_MASK = 0xFFFF_FFFFL;

  private static final VarHandle COUNTS;

  static {
    try {
      COUNTS = MethodHandles.lookup().findVarHandle(Bucket.class, "counts", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The bucket every slot starts with: older than any epoch, so never inside the window. */
  private static final Bucket EMPTY = new Bucket(Long.MIN_VALUE);

  private final TimeSource time;
  private final long origin;
  private final long bucketNanos;
  private final int n;
  private final AtomicReferenceArray<Bucket> ring;

  /**
   * Creates an empty window starting now.
   *
   * @param window the window's length
   * @param buckets the number of buckets, at least 1
   * @param time the clock
   */
  public ThrottleWindow(Duration window, int buckets, TimeSource time) {
    this.time = time;
    this.n = buckets;
    this.bucketNanos = Math.max(1, window.toNanos() / buckets);
    this.origin = time.nanoTime();
    this.ring = new AtomicReferenceArray<>(buckets);
    for (int i = 0; i < buckets; i++) {
      ring.set(i, EMPTY);
    }
  }

  /**
   * Returns the epoch of the present moment on the window's clock.
   *
   * @return the number of whole bucket periods since the window was made
   */
  public long epoch() {
    return Math.floorDiv(time.nanoTime() - origin, bucketNanos);
  }

  /**
   * Adds to the counts of the bucket of an epoch, opening the bucket if it is not open yet.
   *
   * @param epoch the epoch, from {@link #epoch()}
   * @param delta {@link #REQUEST}, {@link #ACCEPT}, or {@code -REQUEST} to take a request back
   */
  public void add(long epoch, long delta) {
    COUNTS.getAndAdd(bucket(epoch), delta);
  }

  private Bucket bucket(long epoch) {
    int i = (int) Math.floorMod(epoch, (long) n);
    while (true) {
      Bucket b = ring.get(i);
      if (b.epoch >= epoch) {
        return b;
      }
      Bucket next = new Bucket(epoch);
      // The invariant: replace only the bucket read, only by a greater epoch.
      if (ring.compareAndSet(i, b, next)) {
        return next;
      }
    }
  }

  /**
   * Returns the requests counted in the window at an epoch.
   *
   * @param epoch the epoch
   * @return the requests, zero or more
   */
  public long requests(long epoch) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      Bucket b = ring.get(i);
      if (b.epoch > epoch - n) {
        sum += ((long) COUNTS.getVolatile(b)) >> 32;
      }
    }
    return Math.max(0, sum);
  }

  /**
   * Returns the accepts counted in the window at an epoch.
   *
   * @param epoch the epoch
   * @return the accepts, zero or more
   */
  public long accepts(long epoch) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      Bucket b = ring.get(i);
      if (b.epoch > epoch - n) {
        sum += ((long) COUNTS.getVolatile(b)) & ACCEPTS_MASK;
      }
    }
    return sum;
  }

  /**
   * Returns the probability of a local refusal over the window at an epoch: {@code max(0, (requests
   * - k * accepts) / (requests + 1))}, zero below the minimum of requests. Reads each bucket once.
   *
   * @param epoch the epoch
   * @param k the multiplier of accepts
   * @param minimumRequests the requests below which the probability is zero
   * @return the probability, at least 0 and below 1
   */
  public double rejectionProbability(long epoch, double k, long minimumRequests) {
    long requests = 0;
    long accepts = 0;
    for (int i = 0; i < n; i++) {
      Bucket b = ring.get(i);
      if (b.epoch > epoch - n) {
        long c = (long) COUNTS.getVolatile(b);
        requests += c >> 32;
        accepts += c & ACCEPTS_MASK;
      }
    }
    return probability(requests, accepts, k, minimumRequests);
  }

  /**
   * The formula of the SRE book on given counts.
   *
   * @param requests the requests in the window
   * @param accepts the accepts in the window
   * @param k the multiplier of accepts
   * @param minimumRequests the requests below which the probability is zero
   * @return the probability, at least 0 and below 1
   */
  public static double probability(long requests, long accepts, double k, long minimumRequests) {
    if (requests <= 0 || requests < minimumRequests) {
      return 0;
    }
    double p = (requests - k * accepts) / (requests + 1.0);
    return p > 0 ? p : 0;
  }

  /** One bucket of the window; its counts change only through {@link #COUNTS}. */
  static final class Bucket {
    final long epoch;

    @SuppressWarnings("unused") // through COUNTS
    volatile long counts;

    Bucket(long epoch) {
      this.epoch = epoch;
    }
  }
}
