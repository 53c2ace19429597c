package dev.reliability.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.ExternalRateLimiter;
import dev.reliability.core.policy.RateLimiterConfig;
import dev.reliability.core.time.TimeSource;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.RemoteAsyncBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import java.time.Duration;

/**
 * A rate limit shared by every instance of a service: one Bucket4j token bucket on the engine,
 * named after the limit ({@link #forKey(String)}: one bucket per key, named {@code <name>:<key>}).
 * Give it to a policy with {@code Policy.Builder.rateLimiter(ExternalRateLimiter)}, or call {@link
 * #acquire(long)} directly.
 *
 * <p>An acquire takes one token from the engine's bucket, or, when {@code maxWait} allows, reserves
 * the next one (the policy waits); a refusal carries the exact wait Bucket4j computes (its {@code
 * nanosToWaitForRefill}). A caller waits at most the engine's timeout for the answer.
 *
 * <p><b>While the engine fails</b> the limiter admits, on this instance alone, at most its local
 * share per period ({@link FleetRateLimitConfig#localShare()}, by default the limit divided by the
 * engine's expected instances) on a local Bucket4j bucket that starts full. Across the switches:
 * tokens spent locally are never charged to the shared bucket, and the shared bucket refills while
 * the engine is away, so in the period of a switch the fleet may admit up to the shared limit plus
 * every instance's local share; a call whose remote answer came too late may have been charged on
 * the engine without being admitted (at most one token per such call).
 *
 * <p>Thread-safe; {@link #acquire(long)} blocks at most the engine's timeout (twice a round trip
 * when it reserves a permit, both within that timeout).
 */
public final class FleetRateLimiter implements ExternalRateLimiter, FleetLimit {

  private final FleetEngine engine;
  private final FleetRateLimitConfig config;
  private final FleetRateLimiter parent;
  private final String bucketName;
  private final AsyncBucketProxy shared;
  private final Bucket local;
  private final RateLimiterConfig view;
  private final Cache<String, FleetRateLimiter> keys;
  private final ModeCounts counts = new ModeCounts();
  private final boolean prefetch;
  private final long prefetchDelayNanos;
  // Tokens taken from the shared bucket and not spent yet (prefetch).
  private final TokenPool pool = new TokenPool();
  private volatile long lastRemaining;
  private volatile long lastWaitNanos;

  FleetRateLimiter(FleetEngine engine, FleetRateLimitConfig config) {
    this(engine, config, null, config.name());
  }

  private FleetRateLimiter(
      FleetEngine engine, FleetRateLimitConfig config, FleetRateLimiter parent, String bucketName) {
    this.engine = engine;
    this.config = config;
    this.parent = parent;
    this.bucketName = bucketName;
    BucketConfiguration bucket =
        BucketConfiguration.builder()
            .addLimit(l -> l.capacity(config.limit()).refillGreedy(config.limit(), config.period()))
            .build();
    RemoteAsyncBucketBuilder<String> builder = engine.backend().buckets().builder();
    switch (config.batching()) {
      case BATCHING -> builder = builder.withOptimization(Optimizations.batching());
      default -> {}
    }
    this.shared = builder.build(bucketName, bucket);
    long share = config.localShare(engine.expectedInstances());
    this.local =
        Bucket.builder()
            .addLimit(l -> l.capacity(share).refillGreedy(share, config.period()))
            .withCustomTimePrecision(meter(engine.scheduler().timeSource()))
            .build();
    this.view =
        RateLimiterConfig.builder()
            .limit((int) config.limit())
            .period(config.period())
            .maxWait(config.maxWait())
            .build();
    this.lastRemaining = config.limit();
    this.prefetch = config.batching() == FleetBatching.PREFETCH;
    this.prefetchDelayNanos = config.prefetchDelay().toNanos();
    this.keys =
        parent == null
            ? Caffeine.newBuilder().maximumSize(config.maxKeys()).<String, FleetRateLimiter>build()
            : null;
  }

  private static TimeMeter meter(TimeSource time) {
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return time.nanoTime();
      }

      @Override
      public boolean isWallClockBased() {
        return false;
      }
    };
  }

  /**
   * Returns the limiter of one key (a tenant, an API key): its own bucket on the engine, named
   * {@code <name>:<key>}, with this limiter's settings. Limiters of keys are held in a cache of at
   * most {@link FleetRateLimitConfig#maxKeys()}; a dropped key's bucket stays on the engine, so a
   * key that comes back finds its tokens. The counts of every key add up in this limiter's.
   *
   * @param key 1 to {@link FleetRateLimitConfig#maxKeyLength()} characters, no control character
   * @return the key's limiter
   * @throws IllegalArgumentException if the key is empty, too long or has a control character
   * @throws IllegalStateException if called on a key's limiter
   */
  public FleetRateLimiter forKey(String key) {
    if (keys == null) {
      throw new IllegalStateException("forKey is for the limit, not for one key's limiter");
    }
    checkKey(key, config.maxKeyLength());
    return keys.get(key, k -> new FleetRateLimiter(engine, config, this, config.name() + ":" + k));
  }

  static String checkKey(String key, int maxLength) {
    Checks.notNull("key", key);
    boolean ok = !key.isEmpty() && key.length() <= maxLength;
    for (int i = 0; ok && i < key.length(); i++) {
      ok = !Character.isISOControl(key.charAt(i));
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "key must be 1 to "
              + maxLength
              + " characters without control characters, was \""
              + visible(Checks.shortened(key))
              + "\"");
    }
    return key;
  }

  private static String visible(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Takes a permit now, or reserves one within {@code maxWaitNanos}.
   *
   * @param maxWaitNanos the longest acceptable wait, zero or more
   * @return zero, or the wait before the reserved permit may be used (at most {@code
   *     maxWaitNanos}); when refused, minus the nanoseconds until a permit may be free (at least 1)
   */
  @Override
  public long acquire(long maxWaitNanos) {
    long maxWait = Math.max(0, maxWaitNanos);
    if (engine.status() == FleetStatus.SHARED && !engine.isClosed()) {
      try {
        return acquireShared(maxWait);
      } catch (FleetEngine.Unavailable e) {
        // The engine was told and is degraded (or the thread was interrupted): decide locally.
      }
    }
    return acquireLocal(maxWait);
  }

  private long acquireShared(long maxWait) throws FleetEngine.Unavailable {
    // One deadline for the whole exchange, however many round trips it takes.
    long deadline = System.nanoTime() + engine.timeoutNanos();
    if (prefetch) {
      long fromPool = acquirePrefetched();
      if (fromPool != Long.MIN_VALUE) {
        return fromPool;
      }
    }
    ConsumptionProbe probe =
        engine.await(() -> shared.tryConsumeAndReturnRemaining(1), deadline - System.nanoTime());
    if (probe.isConsumed()) {
      lastRemaining = probe.getRemainingTokens();
      lastWaitNanos = 0;
      count(FleetStatus.SHARED, true);
      return 0;
    }
    long wait = Math.max(1, probe.getNanosToWaitForRefill());
    lastRemaining = 0;
    lastWaitNanos = wait;
    if (maxWait > 0 && wait <= maxWait) {
      Reservation reservation = new Reservation();
      Boolean reserved =
          engine.await(
              () -> shared.asScheduler().tryConsume(1, maxWait, reservation),
              deadline - System.nanoTime());
      if (Boolean.TRUE.equals(reserved)) {
        count(FleetStatus.SHARED, true);
        return Math.min(maxWait, reservation.delayNanos());
      }
    }
    count(FleetStatus.SHARED, false);
    return -wait;
  }

  /**
   * Prefetch: spends a token of the pool, or takes up to {@code prefetchTokens} from the shared
   * bucket in one round trip, spends one and keeps the rest for {@code prefetchDelay}. Returns
   * {@link Long#MIN_VALUE} when the shared bucket is empty, for the caller's exact refusal.
   */
  private long acquirePrefetched() throws FleetEngine.Unavailable {
    if (takeFromPool()) {
      count(FleetStatus.SHARED, true);
      return 0;
    }
    Long taken =
        engine.await(
            () -> shared.tryConsumeAsMuchAsPossible(config.prefetchTokens()),
            engine.timeoutNanos());
    if (taken == null || taken <= 0) {
      return Long.MIN_VALUE;
    }
    if (taken > 1) {
      pool.add(taken - 1, engine.scheduler().timeSource().nanoTime() + prefetchDelayNanos);
    }
    lastRemaining = taken - 1;
    count(FleetStatus.SHARED, true);
    return 0;
  }

  private boolean takeFromPool() {
    return pool.take(engine.scheduler().timeSource().nanoTime());
  }

  private long acquireLocal(long maxWait) {
    ConsumptionProbe probe = local.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      count(FleetStatus.DEGRADED, true);
      return 0;
    }
    long wait = Math.max(1, probe.getNanosToWaitForRefill());
    if (maxWait > 0 && wait <= maxWait) {
      Reservation reservation = new Reservation();
      if (Boolean.TRUE.equals(local.asScheduler().tryConsume(1, maxWait, reservation).join())) {
        count(FleetStatus.DEGRADED, true);
        return Math.min(maxWait, reservation.delayNanos());
      }
    }
    count(FleetStatus.DEGRADED, false);
    return -wait;
  }

  private void count(FleetStatus mode, boolean admitted) {
    for (FleetRateLimiter l = this; l != null; l = l.parent) {
      l.counts.count(mode, admitted);
    }
  }

  /**
   * Returns the fleet-wide settings as the local limiter's configuration type (limit, period, max
   * wait), for views and metrics.
   *
   * @return the configuration
   */
  @Override
  public RateLimiterConfig config() {
    return view;
  }

  /**
   * Returns this limit's configuration.
   *
   * @return the configuration
   */
  public FleetRateLimitConfig fleetConfig() {
    return config;
  }

  /**
   * Returns the bucket's name on the engine.
   *
   * @return {@code <name>} or {@code <name>:<key>}
   */
  public String bucketName() {
    return bucketName;
  }

  /**
   * Returns the permits free: while shared, as the engine last answered this instance; while
   * degraded, the local share's.
   *
   * @return zero or more
   */
  @Override
  public int availablePermits() {
    long n = engine.status() == FleetStatus.SHARED ? lastRemaining : local.getAvailableTokens();
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, n));
  }

  /**
   * Returns the wait for the next permit: while shared, as the engine last answered this instance;
   * while degraded, the local share's.
   *
   * @return the wait
   */
  @Override
  public Duration nextPermitIn() {
    if (engine.status() == FleetStatus.SHARED) {
      return Duration.ofNanos(lastWaitNanos);
    }
    return Duration.ofNanos(
        Math.max(0, local.estimateAbilityToConsume(1).getNanosToWaitForRefill()));
  }

  @Override
  public long permittedCalls() {
    return counts.admitted();
  }

  @Override
  public long rejectedCalls() {
    return counts.refused();
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public String kind() {
    return "rate";
  }

  @Override
  public long admitted(FleetStatus mode) {
    return counts.admitted(mode);
  }

  @Override
  public long refused(FleetStatus mode) {
    return counts.refused(mode);
  }

  FleetEngine.FleetComponent hooks() {
    return new FleetEngine.FleetComponent() {
      @Override
      public void onStatusChange(FleetStatus status) {}

      @Override
      public void close() {
        if (keys != null) {
          keys.invalidateAll();
        }
      }
    };
  }

  @Override
  public String toString() {
    return "FleetRateLimiter[" + bucketName + ", " + engine.status() + "]";
  }
}
