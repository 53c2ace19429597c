package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.Fallback;
import io.micrometer.context.ContextSnapshot;
import java.util.concurrent.CompletionStage;
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
final class HedgedAsyncCall<T> extends HedgedCall<HedgedAsyncCall<T>.Run> {

  private final Supplier<? extends CompletionStage<? extends T>> supplier;
  private final Fallback<? extends T> fallback;
  private final ContextSnapshot snapshot;
  private final ContextFuture<T> result;

  HedgedAsyncCall(
      PolicyEngine engine,
      HedgeState hedge,
      Supplier<? extends CompletionStage<? extends T>> supplier,
      Fallback<? extends T> fallback,
      ContextSnapshot snapshot,
      ContextFuture<T> result) {
    super(engine, hedge);
    this.supplier = supplier;
    this.fallback = fallback;
    this.snapshot = snapshot;
    this.result = result;
  }

  /** Starts the first run on the caller's thread. */
  void start() {
    Run first = first();
    result.whenComplete(
        (v, t) -> {
          if (result.isCancelled()) {
            abandon();
          }
        });
    first.begin();
    first.call.start();
    scheduleNext();
  }

  @Override
  Run newRun(int index) {
    return new Run(index);
  }

  @Override
  void launch(Run hedge) {
    hedge.begin();
    try {
      e.executor.execute(hedge.call);
    } catch (Throwable t) {
      ended(hedge, null, t);
    }
  }

  @Override
  boolean isDone(Run run) {
    return run.inner.isDone();
  }

  @Override
  void cancel(Run run) {
    run.call.abandon();
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

  /** One run of the inner chain. */
  final class Run extends RunState {
    final ContextFuture<T> inner = new ContextFuture<>(snapshot);
    final AsyncCall<T> call;

    Run(int index) {
      super(index);
      this.call = new AsyncCall<>(e, supplier, null, snapshot, inner, index == 0);
    }

    void begin() {
      markBegun(e.time.nanoTime());
      inner.whenComplete((v, t) -> ended(this, v, t));
    }
  }
}
