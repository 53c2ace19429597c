package dev.reliability.cluster;

import dev.reliability.core.policy.ExternalRetryBudget;
import dev.reliability.core.policy.RetryBudget;
import dev.reliability.core.time.TimeSource;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A retry budget for one downstream shared by every instance of a service: the fleet's retries stay
 * below {@code ratio x calls + minRetriesPerSecond x window} over the last window.
 *
 * <p>Each instance counts its calls and retries locally and, every {@link
 * FleetRetryBudgetConfig#syncInterval()} on the engine's scheduler, adds them to the engine's
 * counters of the current time slice (wall-clock time divided by the sync interval, so instances'
 * clocks should agree to well within one interval) and reads back the fleet's sums over the window.
 * Between syncs, decisions are local: this instance adds its own unsent counts to the fleet's sums
 * as last read, so it never exceeds the allowance it sees, but it does not see the others' retries
 * since their last sync. The fleet may therefore exceed the budget by what the other instances
 * retried in one sync interval (plus the engine's timeout).
 *
 * <p><b>While the engine fails</b> the budget decides on this instance's own counts over the window
 * (kept locally all along): {@code ratio x local calls + minRetriesPerSecond x window /
 * expectedInstances}. Across the switches: the counts of a sync that failed may or may not have
 * reached the engine (one interval's worth), and the counts made while degraded are never sent; the
 * fleet's sums are read again at the first sync after recovery.
 *
 * <p>Thread-safe; no method blocks or waits on the engine.
 */
public final class FleetRetryBudget implements ExternalRetryBudget, FleetLimit {

  private static final Logger LOG = LoggerFactory.getLogger(FleetRetryBudget.class);

  /**
   * The fleet's sums as last read, and the counts of the sync in flight (sent, not yet in the
   * sums).
   */
  private record Fleet(long calls, long retries, long sentCalls, long sentRetries) {}

  private final FleetEngine engine;
  private final FleetRetryBudgetConfig config;
  private final long sliceMillis;
  private final int slices;
  private final double floor;
  private final double localFloor;
  private final AtomicLong unsentCalls = new AtomicLong();
  private final AtomicLong unsentRetries = new AtomicLong();
  private final LocalWindow window;
  private final ModeCounts counts = new ModeCounts();
  // Written only by the sync chain (one sync at a time), read by every caller.
  private volatile Fleet fleet = new Fleet(0, 0, 0, 0);
  private final RetryBudget asRetryBudget;
  private volatile Future<?> sync;
  private volatile boolean closed;

  FleetRetryBudget(FleetEngine engine, FleetRetryBudgetConfig config) {
    this.engine = engine;
    this.config = config;
    this.sliceMillis = Math.max(1, config.syncInterval().toMillis());
    this.slices = config.slices();
    double windowSeconds = config.window().toNanos() / 1e9;
    this.floor = config.minRetriesPerSecond() * windowSeconds;
    this.localFloor = floor / engine.expectedInstances();
    this.window =
        new LocalWindow(engine.scheduler().timeSource(), config.syncInterval().toNanos(), slices);
    this.asRetryBudget = RetryBudget.external(config.name(), this);
    scheduleSync();
  }

  /**
   * Returns this budget as a core {@link RetryBudget} ({@link RetryBudget#external(String,
   * ExternalRetryBudget)}), to give to the retry configurations of the policies that call the
   * downstream. The same instance on every call.
   *
   * <pre>{@code
   * RetryConfig retry = RetryConfig.builder().maxRetries(2).budget(payments.toRetryBudget()).build();
   * }</pre>
   *
   * @return the budget
   */
  public RetryBudget toRetryBudget() {
    return asRetryBudget;
  }

  @Override
  public void onCall() {
    unsentCalls.incrementAndGet();
    window.add(1, 0);
  }

  @Override
  public boolean tryAcquire() {
    if (engine.status() == FleetStatus.DEGRADED || closed) {
      if (window.tryRetry(config.ratio(), localFloor)) {
        counts.count(FleetStatus.DEGRADED, true);
        return true;
      }
      counts.count(FleetStatus.DEGRADED, false);
      return false;
    }
    while (true) {
      Fleet f = fleet;
      long retries = unsentRetries.get();
      double allowed = allowance(f, unsentCalls.get()) - (f.retries + f.sentRetries + retries);
      if (allowed < 1) {
        counts.count(FleetStatus.SHARED, false);
        return false;
      }
      // CAS invariant: unsentRetries grows only by a CAS from the value the allowance was judged
      // with, so two retries never spend the same allowance; the sync adds what it sends to the
      // in-flight part of `fleet` before it subtracts it here, so a count is never missing from
      // fleet + unsent (it may be counted twice for a moment, which only refuses early).
      if (unsentRetries.compareAndSet(retries, retries + 1)) {
        window.add(0, 1);
        counts.count(FleetStatus.SHARED, true);
        return true;
      }
    }
  }

  private double allowance(Fleet f, long unsent) {
    return config.ratio() * (f.calls + f.sentCalls + unsent) + floor;
  }

  @Override
  public double available() {
    if (engine.status() == FleetStatus.DEGRADED || closed) {
      return Math.max(0, window.available(config.ratio(), localFloor));
    }
    Fleet f = fleet;
    return Math.max(
        0, allowance(f, unsentCalls.get()) - (f.retries + f.sentRetries + unsentRetries.get()));
  }

  /**
   * Returns the fleet's calls over the window as last read, with this instance's unsent ones.
   *
   * @return the count
   */
  public long fleetCalls() {
    Fleet f = fleet;
    return f.calls + f.sentCalls + unsentCalls.get();
  }

  /**
   * Returns the fleet's retries over the window as last read, with this instance's unsent ones.
   *
   * @return the count
   */
  public long fleetRetries() {
    Fleet f = fleet;
    return f.retries + f.sentRetries + unsentRetries.get();
  }

  /**
   * Returns this budget's configuration.
   *
   * @return the configuration
   */
  public FleetRetryBudgetConfig config() {
    return config;
  }

  private void scheduleSync() {
    if (!closed && !engine.isClosed()) {
      sync = engine.scheduler().schedule(this::syncOnce, config.syncInterval().toNanos());
    }
  }

  /** One sync: send the unsent counts, read the fleet's; the next is scheduled when it ends. */
  private void syncOnce() {
    try {
      if (closed) {
        return;
      }
      if (engine.status() == FleetStatus.DEGRADED) {
        scheduleSync();
        return;
      }
      long calls = unsentCalls.get();
      long retries = unsentRetries.get();
      Fleet before = fleet;
      fleet = new Fleet(before.calls, before.retries, calls, retries);
      unsentCalls.addAndGet(-calls);
      unsentRetries.addAndGet(-retries);
      long slice = engine.scheduler().timeSource().currentTimeMillis() / sliceMillis;
      long ttl = sliceMillis * (slices + 2L);
      engine
          .background(
              () -> engine.backend().addCounts(config.name(), slice, calls, retries, slices, ttl))
          .whenComplete(
              (sums, e) -> {
                try {
                  Fleet sent = fleet;
                  if (e == null && sums != null && sums.length >= 2) {
                    fleet = new Fleet(sums[0], sums[1], 0, 0);
                  } else {
                    // Unknown whether the engine counted them: dropped (at most one interval).
                    fleet = new Fleet(sent.calls, sent.retries, 0, 0);
                  }
                } finally {
                  scheduleSync();
                }
              });
    } catch (Throwable t) {
      LOG.warn(
          "fleet_budget_sync_failed budget={} error=\"{}\"",
          config.name(),
          FleetEngine.describe(t));
      scheduleSync();
    }
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public String kind() {
    return "retry-budget";
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
      public void onStatusChange(FleetStatus status) {
        if (status == FleetStatus.SHARED) {
          // Counts made while degraded are not sent: drop them.
          unsentCalls.set(0);
          unsentRetries.set(0);
        }
      }

      @Override
      public void close() {
        closed = true;
        Future<?> s = sync;
        if (s != null) {
          s.cancel(false);
        }
      }
    };
  }

  @Override
  public String toString() {
    return "FleetRetryBudget[" + config.name() + ", " + engine.status() + "]";
  }

  /**
   * This instance's calls and retries over the window, in slices of one sync interval on the
   * monotonic clock, with running sums. Guarded by its own monitor: every section is a few array
   * operations (amortised constant) and never blocks.
   */
  private static final class LocalWindow {
    private final TimeSource time;
    private final long sliceNanos;
    private final long[] calls;
    private final long[] retries;
    private long currentId;
    private long callSum;
    private long retrySum;

    LocalWindow(TimeSource time, long sliceNanos, int slices) {
      this.time = time;
      this.sliceNanos = sliceNanos;
      this.calls = new long[slices];
      this.retries = new long[slices];
      this.currentId = Math.floorDiv(time.nanoTime(), sliceNanos);
    }

    synchronized void add(long c, long r) {
      int i = current();
      calls[i] += c;
      retries[i] += r;
      callSum += c;
      retrySum += r;
    }

    synchronized boolean tryRetry(double ratio, double floor) {
      int i = current();
      if (ratio * callSum + floor - retrySum < 1) {
        return false;
      }
      retries[i]++;
      retrySum++;
      return true;
    }

    synchronized double available(double ratio, double floor) {
      current();
      return ratio * callSum + floor - retrySum;
    }

    /** Empties the slices that left the window and returns the current one's index. */
    private int current() {
      long id = Math.floorDiv(time.nanoTime(), sliceNanos);
      int n = calls.length;
      if (id > currentId) {
        long steps = Math.min(n, id - currentId);
        for (long j = 1; j <= steps; j++) {
          int k = (int) Math.floorMod(currentId + j, (long) n);
          callSum -= calls[k];
          retrySum -= retries[k];
          calls[k] = 0;
          retries[k] = 0;
        }
        currentId = id;
      }
      return (int) Math.floorMod(currentId, (long) n);
    }
  }
}
