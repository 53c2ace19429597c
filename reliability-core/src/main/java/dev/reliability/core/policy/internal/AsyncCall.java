package dev.reliability.core.policy.internal;

import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.policy.AdaptiveLimiter;
import dev.reliability.core.policy.Fallback;
import dev.reliability.core.policy.PolicyListener;
import dev.reliability.core.policy.RejectionReason;
import io.micrometer.context.ContextSnapshot;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One asynchronous guarded call: a small state machine that starts attempts, waits for their
 * stages, schedules retries on the policy's scheduler and runs them on its executor with the
 * caller's context restored, and completes the caller's future (or runs the fallback) inside that
 * context.
 *
 * <p>Only one thread works on a call at a time: each step hands over to the next through the stage,
 * the scheduler or the executor, which orders the memory accesses.
 *
 * <p>Internal: may change at any time.
 *
 * @param <T> the result type
 */
final class AsyncCall<T> implements Runnable {

  private final PolicyEngine e;
  private final Supplier<? extends CompletionStage<? extends T>> supplier;
  private final Fallback<? extends T> fallback;
  private final ContextSnapshot snapshot;
  private final ContextFuture<T> result;
  private final long start;
  private final Object handle;
  private final long deadline;

  /** The request's deadline on the engine's clock, {@link Long#MAX_VALUE} for none. */
  private final long due;

  /** What the retry's {@link RetryState#begin} returned for this call. */
  private final Object retryCall;

  /** Set when a hedged call no longer needs this run: another run won or the caller cancelled. */
  private volatile boolean abandoned;

  /** The stage of the attempt in flight, to cancel when the run is abandoned. */
  private volatile CompletionStage<? extends T> current;

  private int attempt;
  private long previousDelay;
  private long attemptStart;
  private boolean permitReserved;

  /** The attempt's adaptive-limit permit, given back when the attempt ends. */
  private AdaptiveLimiter.Partition adaptivePermit;

  AsyncCall(
      PolicyEngine engine,
      Supplier<? extends CompletionStage<? extends T>> supplier,
      Fallback<? extends T> fallback,
      ContextSnapshot snapshot,
      ContextFuture<T> result) {
    this(engine, supplier, fallback, snapshot, result, true);
  }

  /**
   * Creates a call; a hedge passes {@code deposit} false, as its call credited the retry budget
   * once already.
   */
  AsyncCall(
      PolicyEngine engine,
      Supplier<? extends CompletionStage<? extends T>> supplier,
      Fallback<? extends T> fallback,
      ContextSnapshot snapshot,
      ContextFuture<T> result,
      boolean deposit) {
    this.e = engine;
    this.fallback = fallback;
    this.snapshot = snapshot;
    this.result = result;
    this.start = engine.time.nanoTime();
    this.handle = engine.listener == null ? null : engine.listener.onCallStart(engine.name);
    this.due = engine.due(start);
    // The chaos strategies wrap the supplier itself, innermost, when on and the key matches.
    this.supplier = engine.chaos == null ? supplier : engine.chaos.wrapAsync(supplier, handle);
    long d = Long.MAX_VALUE;
    if (engine.retry != null) {
      if (deposit && (due == Long.MAX_VALUE || due - start > 0)) {
        engine.retry.deposit();
      }
      if (engine.retry.maxDurationNanos > 0) {
        d = start + engine.retry.maxDurationNanos;
      }
    }
    // No retry starts, and no backoff is waited, past the request's deadline.
    this.deadline = Math.min(d, due);
    this.retryCall = engine.retry == null ? null : engine.retry.begin();
  }

  /** Starts the first attempt on the caller's thread. */
  void start() {
    try {
      attempt();
    } catch (Throwable t) {
      finishWithFailure(t, null, 0);
    }
  }

  /** Runs a retry or a delayed attempt on the executor, with the caller's context. */
  @Override
  public void run() {
    try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
      attempt();
    } catch (Throwable t) {
      finishWithFailure(t, null, 0);
    }
  }

  private void dispatch() {
    try {
      e.executor.execute(this);
    } catch (Throwable t) {
      try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
        finishWithFailure(t, null, 0);
      }
    }
  }

  private void attempt() {
    final PolicyListener l = e.listener;
    if (abandoned) {
      finishWithFailure(new CancellationException("another run of the hedged call won"), null, 0);
      return;
    }
    if (!permitReserved) {
      attempt++;
      if (due != Long.MAX_VALUE) {
        long now = e.time.nanoTime();
        if (now - due >= 0) {
          // Expired before the attempt: not attempted, no permit taken, nothing for the breaker.
          reject(RejectionReason.DEADLINE_EXCEEDED, e.deadlineExceeded(due, now));
          return;
        }
      }
      if (e.breaker != null && !e.breaker.tryAcquire()) {
        reject(RejectionReason.CIRCUIT_OPEN, e.breaker.rejection());
        return;
      }
      if (e.throttle != null && !e.throttle.tryAcquire()) {
        releaseBreaker();
        reject(RejectionReason.THROTTLED, e.throttle.rejection());
        return;
      }
      if (e.rateLimiter != null) {
        // The wait for a permit never goes past the request's deadline.
        long maxWait =
            due == Long.MAX_VALUE
                ? e.rateLimiterMaxWait
                : Math.max(0, Math.min(e.rateLimiterMaxWait, due - e.time.nanoTime()));
        long wait = e.rateLimiter.acquire(maxWait);
        if (wait < 0) {
          e.throttleNotSent();
          releaseBreaker();
          reject(RejectionReason.RATE_LIMITED, new RateLimitExceededException(e.name, -wait));
          return;
        }
        if (wait > 0) {
          permitReserved = true;
          e.scheduler.schedule(this::dispatch, wait);
          return;
        }
      }
    }
    permitReserved = false;
    if (e.bulkhead != null && !e.bulkhead.tryAcquire()) {
      e.throttleNotSent();
      releaseBreaker();
      reject(
          RejectionReason.BULKHEAD_FULL,
          new BulkheadFullException(e.name, e.bulkheadMax, e.bulkheadRetryAfterNanos));
      return;
    }
    if (e.adaptive != null) {
      AdaptiveLimiter.Partition p = e.adaptive.partition();
      if (!p.tryAcquire()) {
        if (e.bulkhead != null) {
          e.bulkhead.releaseUnused();
        }
        e.throttleNotSent();
        releaseBreaker();
        reject(RejectionReason.CONCURRENCY_LIMITED, e.adaptive.rejection(e.name, p));
        return;
      }
      adaptivePermit = p;
    }
    if (l != null) {
      l.onAttemptStart(e.name, handle, attempt, e.breaker == null ? null : e.breaker.state());
    }
    attemptStart = e.time.nanoTime();
    CompletionStage<? extends T> stage;
    try {
      stage = supplier.get();
      if (stage == null) {
        throw new NullPointerException(
            "the supplier of policy '" + e.name + "' returned null instead of a CompletionStage");
      }
    } catch (Throwable t) {
      if (e.bulkhead != null) {
        e.bulkhead.release();
      }
      attemptEnded(null, t);
      return;
    }
    current = stage;
    if (abandoned) {
      cancel(stage);
    }
    Attempt a = new Attempt(stage, attempt);
    long left = due == Long.MAX_VALUE ? Long.MAX_VALUE : due - attemptStart;
    if (e.timeLimit != null && left >= e.timeLimit.timeoutNanos) {
      a.timer = e.scheduler.schedule(a::timeout, e.timeLimit.timeoutNanos);
    } else if (left != Long.MAX_VALUE) {
      // The request's deadline comes first (or there is no time limit): the attempt ends by it.
      a.limitNanos = Math.max(1, left);
      a.timer = e.scheduler.schedule(a::deadline, a.limitNanos);
    }
    stage.whenComplete(a);
  }

  /**
   * Gives up this run of a hedged call: its stage in flight is cancelled, its failure is not
   * counted by the breaker, and it is not retried.
   */
  void abandon() {
    abandoned = true;
    CompletionStage<? extends T> s = current;
    if (s != null) {
      cancel(s);
    }
  }

  private static void cancel(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().cancel(true);
    } catch (UnsupportedOperationException | CancellationException ignored) {
      // a stage that cannot be cancelled runs on; its end is ignored
    }
  }

  private void releaseBreaker() {
    if (e.breaker != null) {
      e.breaker.release();
    }
  }

  private void reject(RejectionReason reason, Throwable rejection) {
    e.announceRejection(handle, reason, rejection);
    finishWithFailure(rejection, reason, 0);
  }

  /** An attempt ended, in time or by the time limit; runs once per attempt. */
  private void attemptEnded(Object value, Throwable error) {
    long now = e.time.nanoTime();
    long nanos = now - attemptStart;
    AdaptiveLimiter.Partition permit = adaptivePermit;
    if (permit != null) {
      adaptivePermit = null;
      AdaptiveGate.release(permit, error, nanos);
    }
    if (e.listener != null) {
      e.listener.onAttemptEnd(e.name, handle, attempt, error, nanos);
    }
    if (abandoned && error != null) {
      // A hedged run cancelled because another won: not the dependency's failure, no retry.
      if (e.breaker != null) {
        e.breaker.onIgnored();
      }
      finishWithFailure(error, null, 0);
      return;
    }
    long next =
        e.afterAttempt(value, error, attempt, nanos, now, previousDelay, deadline, retryCall);
    if (next == PolicyEngine.RETURN_VALUE || next == PolicyEngine.RETURN_RETRIED_VALUE) {
      @SuppressWarnings("unchecked")
      T v = (T) value;
      e.succeed(v, start, now, handle, attempt, next == PolicyEngine.RETURN_RETRIED_VALUE);
      result.complete(v);
      return;
    }
    if (next < 0) {
      if (next == RetryState.EXHAUSTED) {
        e.noteDeadline(due, now, attempt, error);
      }
      finishWithFailure(error, null, next);
      return;
    }
    e.announceRetry(handle, attempt + 1, error, next);
    previousDelay = next;
    if (next == 0) {
      dispatch();
    } else {
      e.scheduler.schedule(this::dispatch, next);
    }
  }

  private void finishWithFailure(Throwable failure, RejectionReason rejection, long stop) {
    try {
      @SuppressWarnings("unchecked")
      T v = (T) e.fail(failure, rejection, start, handle, attempt, stop, fallback);
      result.complete(v);
    } catch (Throwable t) {
      result.completeExceptionally(t);
    }
  }

  static Throwable unwrap(Throwable t) {
    Throwable x = t;
    while ((x instanceof CompletionException || x instanceof ExecutionException)
        && x.getCause() != null) {
      x = x.getCause();
    }
    return x;
  }

  /** Waits for one attempt's stage and its time limit; the first to end it wins. */
  private final class Attempt implements BiConsumer<Object, Throwable> {
    private final CompletionStage<? extends T> stage;
    private final int number;
    // Invariant: exactly one of the stage's completion, the time limit and the request's deadline
    // ends the attempt, the one that sets this from false to true; the others only adjust counts.
    private final AtomicBoolean ended = new AtomicBoolean();
    volatile Future<?> timer;

    /** The time limit set by the request's deadline, when it is shorter than the configured one. */
    long limitNanos;

    Attempt(CompletionStage<? extends T> stage, int number) {
      this.stage = stage;
      this.number = number;
    }

    @Override
    public void accept(Object value, Throwable failure) {
      if (e.bulkhead != null) {
        e.bulkhead.release();
      }
      if (!ended.compareAndSet(false, true)) {
        if (e.timeLimit != null) {
          e.timeLimit.asyncRunningAfterTimeout(-1);
        }
        return;
      }
      Future<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      Throwable error = failure == null ? null : unwrap(failure);
      if (e.timeLimit != null) {
        e.timeLimit.countAsyncInTime(error);
      }
      try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
        attemptEnded(value, error);
      } catch (Throwable t2) {
        result.completeExceptionally(t2);
      }
    }

    /** The request's deadline passed while the attempt ran: the caller stops waiting for it. */
    void deadline() {
      TimeLimit t = e.timeLimit;
      if (t != null) {
        t.asyncRunningAfterTimeout(1);
      }
      if (!ended.compareAndSet(false, true)) {
        if (t != null) {
          t.asyncRunningAfterTimeout(-1);
        }
        return;
      }
      try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
        if (t != null) {
          t.countTimeout(e.listener, handle, number, java.time.Duration.ofNanos(limitNanos));
        }
        // Without a time limit the stage is cancelled too: nobody waits for its value any more.
        if (t == null || t.cancelRunning) {
          try {
            stage.toCompletableFuture().cancel(true);
          } catch (UnsupportedOperationException | CancellationException ignored) {
            // a stage that cannot be cancelled runs on; its end is ignored
          }
        }
        attemptEnded(null, e.deadlineExceeded(due, e.time.nanoTime()));
      } catch (Throwable x) {
        result.completeExceptionally(x);
      }
    }

    void timeout() {
      e.timeLimit.asyncRunningAfterTimeout(1);
      if (!ended.compareAndSet(false, true)) {
        e.timeLimit.asyncRunningAfterTimeout(-1);
        return;
      }
      try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
        e.timeLimit.countTimeout(e.listener, handle, number);
        Throwable timeout = e.timeLimit.timeoutException();
        if (e.timeLimit.cancelRunning) {
          try {
            stage.toCompletableFuture().cancel(true);
          } catch (UnsupportedOperationException | CancellationException ignored) {
            // a stage that cannot be cancelled runs on; its end is counted when it comes
          }
        }
        attemptEnded(null, timeout);
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    }
  }
}
