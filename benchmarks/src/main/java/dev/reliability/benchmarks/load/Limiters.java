package dev.reliability.benchmarks.load;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.policy.AdaptiveLimitConfig.Algorithm;
import dev.reliability.core.policy.AdaptiveLimiter;
import dev.reliability.core.policy.AdaptiveThrottle;
import dev.reliability.core.policy.ThrottleConfig;
import dev.reliability.core.time.TimeSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The limiters a scenario compares, by name, each built fresh for its run:
 *
 * <ul>
 *   <li>{@code none}: admits every call (what the clients alone do to the server);
 *   <li>{@code fixed-16}, {@code fixed-25}: a fixed bulkhead (a non-blocking semaphore) told the
 *       knee, and a typical default size;
 *   <li>{@code netflix-gradient2}, {@code netflix-vegas}, {@code netflix-aimd}: Netflix
 *       concurrency-limits 0.5.4, a {@code SimpleLimiter} over {@code Gradient2Limit}, {@code
 *       VegasLimit} and {@code AIMDLimit}, each with its defaults;
 *   <li>{@code ours-gradient}, {@code ours-aimd}: this library's {@link AdaptiveLimiter} with
 *       either algorithm, its defaults unless set with {@link #setOurs}.
 * </ul>
 */
final class Limiters {

  private static final Map<String, Supplier<LoadLimiter>> ALL = new LinkedHashMap<>();

  static {
    ALL.put("none", Unlimited::new);
    ALL.put("fixed-16", () -> new Fixed(16));
    ALL.put("fixed-25", () -> new Fixed(25));
    ALL.put(
        "netflix-gradient2", () -> new Netflix("netflix-gradient2", Gradient2Limit.newDefault()));
    ALL.put("netflix-vegas", () -> new Netflix("netflix-vegas", VegasLimit.newDefault()));
    ALL.put("netflix-aimd", () -> new Netflix("netflix-aimd", AIMDLimit.newBuilder().build()));
    ALL.put("ours-gradient", () -> ours("ours-gradient", Algorithm.GRADIENT));
    ALL.put("ours-aimd", () -> ours("ours-aimd", Algorithm.AIMD));
  }

  /**
   * Settings applied to this library's limiters on top of their defaults, as {@code key=value}
   * pairs with the keys of {@link AdaptiveLimitConfig#SETTINGS} (such as {@code tolerance=1.5});
   * set from the command line ({@code --ours}) before any limiter is created.
   */
  private static volatile Map<String, String> oursOverrides = Map.of();

  /** Client-side throttles (scenario 4), kept apart from the concurrency limiters. */
  private static final Map<String, Supplier<LoadLimiter>> THROTTLES = new LinkedHashMap<>();

  static {
    THROTTLES.put("none", Unlimited::new);
    // The defaults: k = 2 over a 2-minute window, at most 90% refused.
    THROTTLES.put("ours-throttle", () -> throttle("ours-throttle", ThrottleConfig.ofDefaults()));
    // Throttles sooner (k = 1.5: sends at most 1.5 times what is accepted) and forgets faster.
    THROTTLES.put(
        "ours-throttle-k1.5-10s",
        () ->
            throttle(
                "ours-throttle-k1.5-10s",
                ThrottleConfig.builder().k(1.5).window(Duration.ofSeconds(10)).build()));
  }

  /** This library's client-side throttle on the system clock. */
  static LoadLimiter throttle(String name, ThrottleConfig config) {
    return new Throttle(name, AdaptiveThrottle.create(name, config, TimeSource.system()));
  }

  private Limiters() {}

  /** The names of the client-side throttle variants, {@code none} first. */
  static List<String> throttles() {
    return List.copyOf(THROTTLES.keySet());
  }

  /** Every limiter's name, in the order of the tables. */
  static List<String> names() {
    return List.copyOf(ALL.keySet());
  }

  /**
   * Sets the settings of this library's limiters, {@code key=value} pairs separated by commas
   * ({@code tolerance=1.5,min-limit=8}); checked at once.
   *
   * @throws IllegalArgumentException if a pair is malformed
   * @throws dev.reliability.core.config.ConfigurationException if a setting is invalid
   */
  static void setOurs(String pairs) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : pairs.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("ours must be key=value pairs, was " + pairs);
      }
      values.put(
          AdaptiveLimitConfig.CONFIG_PREFIX + "." + pair.substring(0, eq).trim(),
          pair.substring(eq + 1).trim());
    }
    oursOverrides = Map.copyOf(values);
    ours("check", Algorithm.GRADIENT);
  }

  /** This library's limiter with the algorithm, its other settings at their defaults or as set. */
  static LoadLimiter ours(String name, Algorithm algorithm) {
    AdaptiveLimitConfig config =
        AdaptiveLimitConfig.builder()
            .algorithm(algorithm)
            .build()
            .withOverrides(ConfigSource.fromMap("--ours", oursOverrides));
    if (oursOverrides.containsKey(AdaptiveLimitConfig.CONFIG_PREFIX + ".algorithm")) {
      throw new IllegalArgumentException("ours must not set the algorithm: pick a limiter instead");
    }
    return new Ours(name, AdaptiveLimiter.create(name, config));
  }

  /** A new limiter of that name. */
  static LoadLimiter create(String name) {
    Supplier<LoadLimiter> factory = ALL.getOrDefault(name, THROTTLES.get(name));
    if (factory == null) {
      throw new IllegalArgumentException(
          "limiter must be one of " + names() + " or " + throttles() + ", was " + name);
    }
    return factory.get();
  }

  /** No limit: every call goes to the server. */
  static final class Unlimited implements LoadLimiter, LoadLimiter.Permit {
    @Override
    public String name() {
      return "none";
    }

    @Override
    public Permit tryAcquire() {
      return this;
    }

    @Override
    public int limit() {
      return -1;
    }

    @Override
    public void success(long latencyNanos) {}

    @Override
    public void dropped(long latencyNanos) {}

    @Override
    public void ignore() {}
  }

  /** A fixed bulkhead of {@code size} calls in flight that rejects at once when full. */
  static final class Fixed implements LoadLimiter, LoadLimiter.Permit {
    private final int size;
    private final Semaphore permits;

    Fixed(int size) {
      this.size = size;
      this.permits = new Semaphore(size);
    }

    @Override
    public String name() {
      return "fixed-" + size;
    }

    @Override
    public Permit tryAcquire() {
      return permits.tryAcquire() ? this : null;
    }

    @Override
    public int limit() {
      return size;
    }

    @Override
    public void success(long latencyNanos) {
      permits.release();
    }

    @Override
    public void dropped(long latencyNanos) {
      permits.release();
    }

    @Override
    public void ignore() {
      permits.release();
    }
  }

  /**
   * This library's {@link AdaptiveLimiter}, used as a client of a dependency would: a permit per
   * call, the call's latency as the sample, a 503 as a drop.
   */
  static final class Ours implements LoadLimiter, LoadLimiter.Permit {
    private final String name;
    private final AdaptiveLimiter limiter;

    Ours(String name, AdaptiveLimiter limiter) {
      this.name = name;
      this.limiter = limiter;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Permit tryAcquire() {
      return limiter.tryAcquire() ? this : null;
    }

    @Override
    public int limit() {
      return limiter.limit();
    }

    @Override
    public void success(long latencyNanos) {
      limiter.onSuccess(latencyNanos);
    }

    @Override
    public void dropped(long latencyNanos) {
      limiter.onDropped(latencyNanos);
    }

    @Override
    public void ignore() {
      limiter.onIgnored();
    }
  }

  /**
   * This library's {@link AdaptiveThrottle}: refuses locally with the SRE book's probability; a 200
   * is an accept, a 503 a refusal.
   */
  static final class Throttle implements LoadLimiter, LoadLimiter.Permit {
    private final String name;
    private final AdaptiveThrottle throttle;

    Throttle(String name, AdaptiveThrottle throttle) {
      this.name = name;
      this.throttle = throttle;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Permit tryAcquire() {
      return throttle.tryAcquire() ? this : null;
    }

    @Override
    public int limit() {
      return -1;
    }

    @Override
    public void success(long latencyNanos) {
      throttle.onAccepted();
    }

    @Override
    public void dropped(long latencyNanos) {
      throttle.onRejected();
    }

    @Override
    public void ignore() {
      // A broken connection is no answer: the request stays counted without an accept.
      throttle.onRejected();
    }
  }

  /**
   * Netflix's {@code SimpleLimiter} over one of its limit algorithms (it measures latency itself).
   */
  static final class Netflix implements LoadLimiter {
    private final String name;
    private final SimpleLimiter<Void> limiter;

    Netflix(String name, Limit limit) {
      this.name = name;
      this.limiter = SimpleLimiter.newBuilder().named(name).limit(limit).build();
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Permit tryAcquire() {
      Optional<Limiter.Listener> listener = limiter.acquire(null);
      if (listener.isEmpty()) {
        return null;
      }
      Limiter.Listener l = listener.get();
      return new Permit() {
        @Override
        public void success(long latencyNanos) {
          l.onSuccess();
        }

        @Override
        public void dropped(long latencyNanos) {
          l.onDropped();
        }

        @Override
        public void ignore() {
          l.onIgnore();
        }
      };
    }

    @Override
    public int limit() {
      return limiter.getLimit();
    }
  }
}
