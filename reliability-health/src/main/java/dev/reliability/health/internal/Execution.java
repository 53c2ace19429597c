package dev.reliability.health.internal;

import dev.reliability.health.HealthCheckResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of one check. Settled exactly once, either by the check returning or by a timeout,
 * whichever comes first; a run that times out keeps its place in {@link CheckRunner#inFlight} until
 * the check really returns, so no second run of it can start while it hangs. Its concurrency permit
 * is handed back at the timeout, so a hung check does not shrink the pool for the others.
 */
final class Execution implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

  final CheckRunner runner;
  final long submittedNanos;
  final long deadlineNanos;
  final CompletableFuture<HealthCheckResult> future = new CompletableFuture<>();

  // Flips from false to true once: only the caller whose compareAndSet wins records the result and
  // completes the future, whether the check returned or the deadline passed first.
  private final AtomicBoolean settled = new AtomicBoolean();
  // Set when the run was abandoned at its timeout while the check may still be running.
  private volatile boolean abandoned;
  // The permit goes back at most once, and only if it was taken: at the timeout or when the check
  // returns, whichever comes first.
  private final AtomicBoolean permitReleased = new AtomicBoolean();
  private volatile boolean permitAcquired;
  // Guards interrupting the worker, so a timeout's interrupt never leaks into the thread's next
  // task.
  private final ReentrantLock interruptLock = new ReentrantLock();
  private Thread worker;

  Execution(CheckRunner runner, long submittedNanos) {
    this.runner = runner;
    this.submittedNanos = submittedNanos;
    this.deadlineNanos = submittedNanos + runner.timeoutNanos;
  }

  /** True once the run timed out; it stays in flight until the check really returns. */
  boolean isAbandoned() {
    return abandoned;
  }

  @Override
  public void run() {
    RunContext context = runner.context;
    Thread.interrupted();
    try {
      try {
        context.permits.acquire();
      } catch (InterruptedException e) {
        settle(HealthCheckResult.unhealthy("interrupted while waiting to run"), nanoTime(), true);
        return;
      }
      permitAcquired = true;
      if (settled.get()) {
        return;
      }
      interruptLock.lock();
      try {
        worker = Thread.currentThread();
      } finally {
        interruptLock.unlock();
      }
      long start = nanoTime();
      HealthCheckResult raw;
      try {
        raw = runner.check.check();
        if (raw == null) {
          raw = HealthCheckResult.unhealthy("check returned no result");
        }
      } catch (Throwable t) {
        raw = HealthCheckResult.unhealthy(t);
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
          LOG.error("Health check {} failed with a fatal error", runner.name, t);
        }
      } finally {
        interruptLock.lock();
        try {
          worker = null;
          Thread.interrupted();
        } finally {
          interruptLock.unlock();
        }
      }
      long end = nanoTime();
      if (!settle(runner.stamp(raw, end - start), end, true)) {
        LOG.debug(
            "Health check {} returned after it had timed out; its result ({}) is discarded",
            runner.name,
            raw.status().label());
      }
    } finally {
      releasePermit();
      runner.inFlight.compareAndSet(this, null);
    }
  }

  /**
   * Settles this run as timed out if its deadline has passed.
   *
   * @param now the current reading of the registry's time source
   * @return true if this call timed the run out
   */
  boolean timeOutIfDue(long now) {
    if (settled.get() || now - deadlineNanos < 0) {
      return false;
    }
    if (!settle(runner.timedOut(now), now, false)) {
      return false;
    }
    releasePermit();
    interruptLock.lock();
    try {
      if (worker != null) {
        worker.interrupt();
      }
    } finally {
      interruptLock.unlock();
    }
    runner.context.listeners.onCheckTimedOut(runner.name, runner.registration.config().timeout());
    return true;
  }

  /**
   * Settles a run that was never submitted, because another run recorded a fresh result just before
   * this one took the slot: its waiters get that result, and it leaves the slot.
   */
  void settleUnrun(HealthCheckResult recorded) {
    if (settled.compareAndSet(false, true)) {
      future.complete(recorded);
    }
    // Never started, so nothing can be hung: it leaves the slot even if a timeout settled it first.
    runner.inFlight.compareAndSet(this, null);
  }

  /** Settles a run that could not be started at all; it leaves the slot whoever settled it. */
  void reject(String reason) {
    settle(HealthCheckResult.unhealthy(reason), nanoTime(), true);
    runner.inFlight.compareAndSet(this, null);
  }

  /**
   * Records the run's result once. A run whose check returned leaves the in-flight slot before its
   * waiters wake, so the next due probe starts a fresh run; an abandoned run keeps the slot.
   */
  private boolean settle(HealthCheckResult raw, long now, boolean returned) {
    if (!settled.compareAndSet(false, true)) {
      return false;
    }
    if (!returned) {
      abandoned = true;
    }
    HealthCheckResult reported;
    try {
      reported = runner.record(raw, now);
    } catch (Throwable e) {
      LOG.warn("Recording the result of health check {} failed", runner.name, e);
      reported = raw;
    }
    if (returned) {
      runner.inFlight.compareAndSet(this, null);
    }
    future.complete(reported);
    return true;
  }

  private void releasePermit() {
    if (permitAcquired && permitReleased.compareAndSet(false, true)) {
      runner.context.permits.release();
    }
  }

  private long nanoTime() {
    return runner.context.time.nanoTime();
  }
}
