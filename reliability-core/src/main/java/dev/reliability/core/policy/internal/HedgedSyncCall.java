package dev.reliability.core.policy.internal;

import io.micrometer.context.ContextSnapshot;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * One hedged synchronous call: runs of the inner chain on the policy's executor, a hedge started by
 * the policy's scheduler each delay while no run has succeeded (budget permitting), the first
 * success returned to the waiting caller and the other runs interrupted.
 *
 * <p>The call's bookkeeping (runs started and in flight, whether it is over) is guarded by the
 * call's own monitor, held only for a few field updates and never across the user's code or a wait,
 * so virtual threads are not pinned while blocked.
 *
 * <p>Internal: may change at any time.
 */
final class HedgedSyncCall {

  private final PolicyEngine e;
  private final HedgeState h;
  private final Object fn;
  private final int shape;
  private final ContextSnapshot snapshot;
  private final long deadline;
  private final CompletableFuture<Object> outcome = new CompletableFuture<>();
  private final Run[] runs;

  // Guarded by this.
  private int started;
  private int inFlight;
  private boolean over;
  private Throwable lastFailure;
  private Future<?> timer;

  private HedgedSyncCall(PolicyEngine engine, HedgeState hedge, Object fn, int shape) {
    this.e = engine;
    this.h = hedge;
    this.fn = fn;
    this.shape = shape;
    this.snapshot = engine.contexts.captureAll();
    this.deadline = engine.hedgeDeadline(engine.time.nanoTime());
    this.runs = new Run[hedge.maxHedges + 1];
  }

  /**
   * Runs a call hedged.
   *
   * @return the first successful run's value
   * @throws Throwable the last run's failure, the others suppressed, or a {@link
   *     CancellationException} if the caller was interrupted while waiting
   */
  static Object execute(PolicyEngine engine, HedgeState hedge, Object fn, int shape)
      throws Throwable {
    return new HedgedSyncCall(engine, hedge, fn, shape).await();
  }

  private Object await() throws Throwable {
    h.deposit();
    Run first = new Run(0);
    synchronized (this) {
      runs[0] = first;
      started = 1;
      inFlight = 1;
    }
    dispatch(first);
    scheduleNext();
    try {
      return outcome.get();
    } catch (ExecutionException x) {
      throw x.getCause();
    } catch (InterruptedException x) {
      abandon();
      Thread.currentThread().interrupt();
      CancellationException c =
          new CancellationException(
              "the caller of policy '" + e.name + "' was interrupted while its runs were going");
      c.initCause(x);
      throw c;
    }
  }

  private void dispatch(Run run) {
    try {
      e.executor.execute(run.task);
    } catch (Throwable t) {
      failed(run, t);
    }
  }

  private void scheduleNext() {
    synchronized (this) {
      if (over || started > h.maxHedges) {
        return;
      }
    }
    long now = e.time.nanoTime();
    long delay = h.delayNanos(now);
    if (now + delay >= deadline) {
      return; // the hedge would start after the call's deadline
    }
    Future<?> t;
    try {
      t = e.scheduler.schedule(this::onTimer, delay);
    } catch (RuntimeException refused) {
      return; // a timer that refuses work (shut down) means no hedge; the runs go on
    }
    synchronized (this) {
      if (!over) {
        timer = t;
        return;
      }
    }
    t.cancel(false);
  }

  /** The delay passed without a success: start a hedge if the budget and the deadline allow. */
  private void onTimer() {
    Run hedge;
    synchronized (this) {
      if (over || started > h.maxHedges || e.time.nanoTime() >= deadline) {
        return;
      }
      if (!h.tryStartHedge()) {
        return;
      }
      hedge = new Run(started);
      runs[started++] = hedge;
      inFlight++;
    }
    dispatch(hedge);
    scheduleNext();
  }

  private void succeeded(Run run, Object value) {
    synchronized (this) {
      inFlight--;
      if (over) {
        return; // a loser that ended before its interrupt
      }
      over = true;
    }
    if (run.index > 0) {
      h.countWin();
    }
    // The timer is cancelled and the losers interrupted before the caller sees the value.
    cancelOthers(run);
    outcome.complete(value);
  }

  private void failed(Run run, Throwable failure) {
    Throwable end;
    synchronized (this) {
      inFlight--;
      if (over) {
        return;
      }
      if (lastFailure != null && lastFailure != failure) {
        failure.addSuppressed(lastFailure);
      }
      lastFailure = failure;
      if (inFlight > 0) {
        return;
      }
      // No run left in flight: a hedge starts only beside a slow run, never after failures.
      over = true;
      end = failure;
    }
    cancelOthers(run);
    outcome.completeExceptionally(end);
  }

  private void abandon() {
    synchronized (this) {
      over = true;
    }
    cancelOthers(null);
  }

  private void cancelOthers(Run winner) {
    Future<?> t;
    Run[] all;
    int n;
    synchronized (this) {
      t = timer;
      timer = null;
      n = started;
      all = runs;
    }
    if (t != null) {
      t.cancel(false);
    }
    long now = e.time.nanoTime();
    for (int i = 0; i < n; i++) {
      Run r = all[i];
      if (r != winner && !r.task.isDone()) {
        r.cancelled = true;
        if (r.begun) {
          h.record(now - r.began, now);
        }
        r.task.cancel(true);
      }
    }
  }

  /** One run of the inner chain on the executor. */
  final class Run implements Runnable {
    final int index;
    final FutureTask<Void> task = new FutureTask<>(this, null);
    volatile boolean cancelled;

    /** When it began on its thread; read only once {@link #begun} is set. */
    volatile long began;

    volatile boolean begun;

    Run(int index) {
      this.index = index;
    }

    @Override
    public void run() {
      long start = e.time.nanoTime();
      began = start;
      begun = true;
      Object value = null;
      Throwable failure = null;
      HedgeState.enter(this);
      try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
        value = e.runUnhedged(fn, shape, index == 0);
      } catch (Throwable t) {
        failure = t;
      } finally {
        HedgeState.exit();
      }
      if (!cancelled && !HedgeState.isRejection(failure)) {
        long now = e.time.nanoTime();
        h.record(now - start, now);
      }
      if (failure == null) {
        succeeded(this, value);
      } else {
        failed(this, failure);
      }
    }
  }
}
