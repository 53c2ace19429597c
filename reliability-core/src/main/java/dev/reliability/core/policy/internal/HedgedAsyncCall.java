package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.Fallback;
import io.micrometer.context.ContextSnapshot;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * One hedged asynchronous call: each run is an {@link AsyncCall} of the inner chain; a hedge starts
 * on the policy's executor each delay while no run has succeeded (budget permitting); the first
 * success completes the caller's future and the other runs are cancelled, the stages the supplier
 * returned included.
 *
 * <p>The bookkeeping is guarded by the call's own monitor, held for a few field updates only.
 *
 * <p>Internal: may change at any time.
 *
 * @param <T> the result type
 */
final class HedgedAsyncCall<T> {

  private final PolicyEngine e;
  private final HedgeState h;
  private final Supplier<? extends CompletionStage<? extends T>> supplier;
  private final Fallback<? extends T> fallback;
  private final ContextSnapshot snapshot;
  private final ContextFuture<T> result;
  private final long deadline;

  /** The runs started, each a {@link Run}; an array of a non-generic type. */
  private final Object[] runs;

  // Guarded by this.
  private int started;
  private int inFlight;
  private boolean over;
  private Throwable lastFailure;
  private Future<?> timer;

  HedgedAsyncCall(
      PolicyEngine engine,
      HedgeState hedge,
      Supplier<? extends CompletionStage<? extends T>> supplier,
      Fallback<? extends T> fallback,
      ContextSnapshot snapshot,
      ContextFuture<T> result) {
    this.e = engine;
    this.h = hedge;
    this.supplier = supplier;
    this.fallback = fallback;
    this.snapshot = snapshot;
    this.result = result;
    this.deadline = engine.hedgeDeadline(engine.time.nanoTime());
    this.runs = new Object[hedge.maxHedges + 1];
  }

  /** Starts the first run on the caller's thread. */
  void start() {
    h.deposit();
    result.whenComplete(
        (v, t) -> {
          if (result.isCancelled()) {
            abandon();
          }
        });
    Run first = new Run(0);
    synchronized (this) {
      runs[0] = first;
      started = 1;
      inFlight = 1;
    }
    first.begin();
    first.call.start();
    scheduleNext();
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
      return;
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
    hedge.begin();
    try {
      e.executor.execute(hedge.call);
    } catch (Throwable t) {
      ended(hedge, null, t);
    }
    scheduleNext();
  }

  private void ended(Run run, Object value, Throwable failure) {
    if (!run.cancelled && !HedgeState.isRejection(failure)) {
      long now = e.time.nanoTime();
      h.record(now - run.began, now);
    }
    Throwable end = null;
    synchronized (this) {
      inFlight--;
      if (over) {
        return;
      }
      if (failure == null) {
        over = true;
      } else {
        Throwable f = AsyncCall.unwrap(failure);
        if (lastFailure != null && lastFailure != f) {
          f.addSuppressed(lastFailure);
        }
        lastFailure = f;
        if (inFlight > 0) {
          return;
        }
        over = true;
        end = f;
      }
    }
    cancelOthers(run);
    try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
      if (end == null) {
        if (run.index > 0) {
          h.countWin();
        }
        @SuppressWarnings("unchecked")
        T v = (T) value;
        result.complete(v);
      } else {
        @SuppressWarnings("unchecked")
        T v = (T) e.hedgedFallback(end, fallback);
        result.complete(v);
      }
    } catch (Throwable t) {
      result.completeExceptionally(t);
    }
  }

  private void abandon() {
    synchronized (this) {
      over = true;
    }
    cancelOthers(null);
  }

  private void cancelOthers(Run winner) {
    Future<?> t;
    int n;
    synchronized (this) {
      t = timer;
      timer = null;
      n = started;
    }
    if (t != null) {
      t.cancel(false);
    }
    long now = e.time.nanoTime();
    for (int i = 0; i < n; i++) {
      @SuppressWarnings("unchecked")
      Run r = (Run) runs[i];
      if (r != winner && !r.inner.isDone()) {
        r.cancelled = true;
        h.record(now - r.began, now);
        r.call.abandon();
      }
    }
  }

  /** One run of the inner chain. */
  private final class Run {
    final int index;
    final ContextFuture<T> inner = new ContextFuture<>(snapshot);
    final AsyncCall<T> call;
    volatile boolean cancelled;
    volatile long began;

    Run(int index) {
      this.index = index;
      this.call = new AsyncCall<>(e, supplier, null, snapshot, inner, index == 0);
    }

    void begin() {
      began = e.time.nanoTime();
      inner.whenComplete((v, t) -> ended(this, v, t));
    }
  }
}
