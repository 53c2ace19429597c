package dev.reliability.core.policy.internal;

import io.micrometer.context.ContextSnapshot;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
final class HedgedSyncCall extends HedgedCall<HedgedSyncCall.Run> {

  private final Object fn;
  private final int shape;
  private final ContextSnapshot snapshot;
  private final CompletableFuture<Object> outcome = new CompletableFuture<>();

  private HedgedSyncCall(PolicyEngine engine, HedgeState hedge, Object fn, int shape) {
    super(engine, hedge);
    this.fn = fn;
    this.shape = shape;
    this.snapshot = engine.contexts.captureAll();
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
    Run first = first();
    launch(first);
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

  @Override
  Run newRun(int index) {
    return new Run(index);
  }

  @Override
  void launch(Run run) {
    try {
      e.executor.execute(run.task);
    } catch (Throwable t) {
      failed(run, t);
    }
  }

  @Override
  boolean isDone(Run run) {
    return run.task.isDone();
  }

  @Override
  void cancel(Run run) {
    run.task.cancel(true);
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

  /** One run of the inner chain on the executor. */
  final class Run extends RunState implements Runnable {
    final FutureTask<Void> task = new FutureTask<>(this, null);

    Run(int index) {
      super(index);
    }

    @Override
    public void run() {
      long start = markBegun(e.time.nanoTime());
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
