package dev.reliability.benchmarks.load;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
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
 *       VegasLimit} and {@code AIMDLimit}, each with its defaults.
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
  }

  /** Client-side throttles (scenario 4), kept apart from the concurrency limiters. */
  private static final Map<String, Supplier<LoadLimiter>> THROTTLES = new LinkedHashMap<>();

  static {
    THROTTLES.put("none", Unlimited::new);
    // This library's AdaptiveThrottle joins here when it is on main.
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
    public void dropped() {}

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
    public void dropped() {
      permits.release();
    }

    @Override
    public void ignore() {
      permits.release();
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
        public void dropped() {
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
