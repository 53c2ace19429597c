package dev.reliability.health.internal;

import dev.reliability.core.policy.PolicyScheduler;
import dev.reliability.health.HealthCheckRegistry;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's scheduler loop: each tick enforces the timeouts of runs nobody waits for, starts
 * due background runs and announces stale background results, then schedules the next tick whatever
 * happened.
 *
 * <p>Rescheduling one tick at a time (rather than a periodic task, which an executor cancels for
 * good when it throws) and catching {@link Throwable} per check is what keeps the loop, and every
 * other check, alive. Failures are counted first (no allocation), then logged.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class BackgroundTicks {

  // The registry's logger, so users' logging configuration keeps working.
  private static final Logger LOG = LoggerFactory.getLogger(HealthCheckRegistry.class);

  private final HealthEvaluator evaluator;
  private final RunContext context;
  private final PolicyScheduler scheduler;
  private final long tickNanos;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicInteger failingTicks = new AtomicInteger();
  private volatile Future<?> nextTick;

  /**
   * Creates the loop; {@link #start()} schedules its first tick.
   *
   * @param evaluator the checks to look after; the loop stops once it is closed
   * @param context what the runs share
   * @param scheduler runs the ticks
   * @param tick how often the loop looks at the clock
   */
  public BackgroundTicks(
      HealthEvaluator evaluator, RunContext context, PolicyScheduler scheduler, Duration tick) {
    this.evaluator = evaluator;
    this.context = context;
    this.scheduler = scheduler;
    this.tickNanos = tick.toNanos();
  }

  /** Schedules the first tick. */
  public void start() {
    nextTick = scheduler.schedule(this::tick, tickNanos);
  }

  /** Cancels the next tick; call after closing the evaluator, which stops any rescheduling. */
  public void stop() {
    Future<?> f = nextTick;
    if (f != null) {
      f.cancel(false);
    }
  }

  /**
   * Returns how many failures the ticks caught (each check that threw counts once per tick).
   *
   * @return the number of failures
   */
  public long failures() {
    return failures.get();
  }

  private void tick() {
    boolean failed = false;
    try {
      long now = context.time.nanoTime();
      for (CheckRunner r : evaluator.all.members) {
        try {
          Execution e = r.inFlight.get();
          if (e != null) {
            e.timeOutIfDue(now);
          }
          if (r.background && !evaluator.closed) {
            if (now - r.nextDueNanos >= 0) {
              r.runInBackground(now);
            }
            r.refreshStaleness(now);
          }
        } catch (Throwable t) {
          failed = true;
          tickFailed(r.name, t);
        }
      }
    } catch (Throwable t) {
      failed = true;
      tickFailed(null, t);
    } finally {
      if (!failed) {
        failingTicks.set(0);
      }
      scheduleTick();
    }
  }

  private void scheduleTick() {
    if (evaluator.closed) {
      return;
    }
    try {
      nextTick = scheduler.schedule(this::tick, tickNanos);
    } catch (Throwable t) {
      // Rejected because close() shut the scheduler down, or out of memory: nothing to retry on.
      if (!evaluator.closed) {
        tickFailed(null, t);
      }
    }
  }

  // Counts first (no allocation), then logs; logging itself may fail under memory pressure.
  private void tickFailed(String check, Throwable failure) {
    failures.incrementAndGet();
    try {
      if (failingTicks.incrementAndGet() == 1) {
        LOG.warn(
            "Health-check scheduler tick of registry {} failed{}; it keeps running",
            context.registryName,
            check == null ? "" : " at check " + check,
            failure);
      } else {
        LOG.warn(
            "Health-check scheduler tick of registry {} failed again{}: {}",
            context.registryName,
            check == null ? "" : " at check " + check,
            failure.toString());
      }
    } catch (Throwable ignored) {
      // The count still tells.
    }
  }
}
