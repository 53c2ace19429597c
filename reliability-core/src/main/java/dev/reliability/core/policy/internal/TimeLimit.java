package dev.reliability.core.policy.internal;

import dev.reliability.core.error.CapacityExceededException;
import dev.reliability.core.error.DeadlineExceededException;
import dev.reliability.core.policy.PolicyListener;
import dev.reliability.core.policy.PolicyScheduler;
import dev.reliability.core.policy.TimeLimiter;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.core.time.TimeSource;
import io.micrometer.context.ContextSnapshot;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A policy's time limit. A synchronous attempt runs on the executor while the caller waits on a
 * future that either the attempt or the timer completes first; on expiry the attempt's thread is
 * interrupted (never a thread that has moved on to other work) and a late end is counted.
 *
 * <p>A call that ignores the interrupt keeps its thread after the caller has gone, so the attempts
 * in flight are bounded ({@link TimeLimiterConfig#maxConcurrentAttempts()}): the engine takes a
 * slot with {@link #tryAcquire()} before {@link #invoke} and the attempt gives it back when its
 * code has returned (or when the executor refuses it), never when the caller is released.
 *
 * <p>Internal: may change at any time.
 */
final class TimeLimit implements TimeLimiter {

  private static final int NONE = 0;
  private static final int FINISHED = 1;
  private static final int TIMED_OUT = 2;
  private static final int CANCELLED = 3;

  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int INTERRUPTING = 2;
  private static final int DONE = 3;
  private static final int NEVER_RAN = 4;

  final TimeLimiterConfig config;
  final long timeoutNanos;
  final boolean cancelRunning;
  private final String name;
  private final Object owner;
  private final Executor executor;
  private final PolicyScheduler scheduler;
  private final TimeSource time;

  private final LongAdder successful = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder ignoredInterrupts = new LongAdder();
  private final AtomicInteger runningAfterTimeout = new AtomicInteger();
  private final LongAdder rejected = new LongAdder();

  /**
   * Attempts in flight: slots taken by {@link #tryAcquire()} and not yet given back. Invariant: 0
   * <= inFlight <= maxConcurrent; a slot is taken only by a CAS from a value below the bound, and
   * each taken slot is given back exactly once (by the attempt's run, or by invoke when the
   * executor refuses the attempt).
   */
  private final AtomicInteger inFlight = new AtomicInteger();

  private final int maxConcurrent;

  TimeLimit(
      String name,
      TimeLimiterConfig config,
      Object owner,
      Executor executor,
      PolicyScheduler scheduler) {
    this.name = name;
    this.config = config;
    this.owner = owner;
    this.executor = executor;
    this.scheduler = scheduler;
    this.time = scheduler.timeSource();
    this.timeoutNanos = config.timeout().toNanos();
    this.cancelRunning = config.cancelRunning();
    this.maxConcurrent = config.maxConcurrentAttempts();
  }

  /**
   * Takes a slot for one attempt, or counts a rejection if all are taken.
   *
   * @return whether the attempt may start; if true, {@link #invoke} gives the slot back
   */
  boolean tryAcquire() {
    while (true) {
      int n = inFlight.get();
      if (n >= maxConcurrent) {
        rejected.increment();
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /**
   * Returns the rejection for a call that found every slot taken.
   *
   * @return a retryable capacity rejection that names the policy and the bound
   */
  CapacityExceededException rejection() {
    return new CapacityExceededException(
        name,
        maxConcurrent,
        "Policy '"
            + name
            + "' has "
            + maxConcurrent
            + " time-limited attempts in flight, the most its time limit allows ("
            + TimeLimiterConfig.CONFIG_PREFIX
            + "."
            + TimeLimiterConfig.MAX_CONCURRENT_ATTEMPTS.name()
            + "); attempts that ignore the interrupt hold their thread until they end",
        null);
  }

  private void releaseSlot() {
    inFlight.decrementAndGet();
  }

  /**
   * Runs one synchronous attempt under the time limit.
   *
   * @return the attempt's result
   * @throws Throwable the attempt's failure, an {@link OwnTimeoutException}, or a {@link
   *     CancellationException} if the caller was interrupted while waiting
   */
  Object invoke(
      Object fn,
      int shape,
      ContextSnapshot snapshot,
      BulkheadPermits bulkhead,
      PolicyListener listener,
      Object handle,
      int attempt)
      throws Throwable {
    return invoke(fn, shape, snapshot, bulkhead, listener, handle, attempt, timeoutNanos, false);
  }

  /**
   * Runs one synchronous attempt under a time limit shorter than the configured one: the time left
   * before the request's deadline.
   *
   * @param limitNanos the time limit of this attempt, at most {@link #timeoutNanos}
   * @param byDeadline whether {@code limitNanos} is the request's deadline, so that its expiry ends
   *     the attempt with a {@link DeadlineExceededException} instead of the usual time-out
   * @return the attempt's result
   * @throws Throwable the attempt's failure, an {@link OwnTimeoutException}, a {@link
   *     DeadlineExceededException}, or a {@link CancellationException} if the caller was
   *     interrupted while waiting
   */
  Object invoke(
      Object fn,
      int shape,
      ContextSnapshot snapshot,
      BulkheadPermits bulkhead,
      PolicyListener listener,
      Object handle,
      int attempt,
      long limitNanos,
      boolean byDeadline)
      throws Throwable {
    SyncAttempt a =
        new SyncAttempt(
            fn, shape, snapshot, bulkhead, listener, handle, attempt, limitNanos, byDeadline);
    // The timer is armed before the attempt can start, so that whoever sees the attempt running
    // (a test driving a manual scheduler, or the attempt itself) also sees its deadline set.
    Future<?> timer = scheduler.schedule(a::timeout, limitNanos);
    try {
      executor.execute(a);
    } catch (RejectedExecutionException e) {
      timer.cancel(false);
      releaseSlot();
      if (bulkhead != null) {
        bulkhead.release();
      }
      throw e;
    }
    try {
      Object v = a.await();
      successful.increment();
      return v;
    } catch (OwnTimeoutException | DeadlineExceededException | CancellationException e) {
      throw e;
    } catch (Throwable t) {
      failed.increment();
      throw t;
    } finally {
      timer.cancel(false);
    }
  }

  OwnTimeoutException timeoutException() {
    return new OwnTimeoutException(name, config.timeout(), owner);
  }

  void countTimeout(PolicyListener listener, Object handle, int attempt) {
    countTimeout(listener, handle, attempt, config.timeout());
  }

  /**
   * Counts a time-out of an attempt whose limit was {@code limit}: the configured time-out, or the
   * shorter time the request's deadline left.
   */
  void countTimeout(PolicyListener listener, Object handle, int attempt, Duration limit) {
    timedOut.increment();
    if (listener != null) {
      listener.onTimeout(name, handle, attempt, limit);
    }
    EventLog.timedOut(name, attempt, limit);
  }

  /**
   * Returns the failure of an attempt the request's deadline cut short.
   *
   * @param overrunNanos how long ago the deadline passed, zero or more
   */
  DeadlineExceededException deadlineException(long overrunNanos) {
    return new DeadlineExceededException(name, Duration.ofNanos(Math.max(0, overrunNanos)));
  }

  void countAsyncInTime(Throwable failure) {
    if (failure == null) {
      successful.increment();
    } else {
      failed.increment();
    }
  }

  void asyncRunningAfterTimeout(int delta) {
    runningAfterTimeout.addAndGet(delta);
  }

  static boolean isInterruption(Throwable failure) {
    Throwable t = failure;
    for (int i = 0; t != null && i < 8; i++, t = t.getCause()) {
      if (t instanceof InterruptedException
          || t instanceof ClosedByInterruptException
          || t instanceof CancellationException
          || (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public TimeLimiterConfig config() {
    return config;
  }

  @Override
  public long successfulCalls() {
    return successful.sum();
  }

  @Override
  public long failedCalls() {
    return failed.sum();
  }

  @Override
  public long timedOutCalls() {
    return timedOut.sum();
  }

  @Override
  public long ignoredInterrupts() {
    return ignoredInterrupts.sum();
  }

  @Override
  public int runningAfterTimeout() {
    return Math.max(0, runningAfterTimeout.get());
  }

  @Override
  public int attemptsInFlight() {
    return inFlight.get();
  }

  @Override
  public long rejectedCalls() {
    return rejected.sum();
  }

  @Override
  public String toString() {
    return "TimeLimiter[" + config + "]";
  }

  /** One synchronous attempt on the executor. */
  private final class SyncAttempt implements Runnable {
    private final Object fn;
    private final int shape;
    private final ContextSnapshot snapshot;
    private final BulkheadPermits bulkhead;
    private final PolicyListener listener;
    private final Object handle;
    private final int attempt;
    private final long limitNanos;
    private final boolean byDeadline;
    private final CompletableFuture<Object> result = new CompletableFuture<>();

    /** Who ended the attempt for the caller: NONE, FINISHED, TIMED_OUT or CANCELLED. */
    private final AtomicInteger end = new AtomicInteger(NONE);

    /** Where the worker is: NEW, RUNNING, INTERRUPTING, DONE or NEVER_RAN. */
    private final AtomicInteger state = new AtomicInteger(NEW);

    private volatile Thread worker;
    private volatile boolean interruptSent;
    private volatile long timedOutAt;

    SyncAttempt(
        Object fn,
        int shape,
        ContextSnapshot snapshot,
        BulkheadPermits bulkhead,
        PolicyListener listener,
        Object handle,
        int attempt,
        long limitNanos,
        boolean byDeadline) {
      this.fn = fn;
      this.shape = shape;
      this.snapshot = snapshot;
      this.bulkhead = bulkhead;
      this.listener = listener;
      this.handle = handle;
      this.attempt = attempt;
      this.limitNanos = limitNanos;
      this.byDeadline = byDeadline;
    }

    @Override
    public void run() {
      worker = Thread.currentThread();
      if (!state.compareAndSet(NEW, RUNNING)) {
        worker = null;
        releaseBulkhead();
        releaseSlot();
        return;
      }
      Object value = null;
      Throwable failure = null;
      try (ContextSnapshot.Scope scope = snapshot == null ? null : snapshot.setThreadLocals()) {
        value = Invoker.invoke(fn, shape);
      } catch (Throwable t) {
        failure = t;
      }
      while (!state.compareAndSet(RUNNING, DONE)) {
        Thread.onSpinWait(); // an interrupt is being delivered
      }
      if (interruptSent) {
        Thread.interrupted(); // do not leak our interrupt into the executor's next task
      }
      worker = null;
      releaseBulkhead();
      releaseSlot();
      if (end.compareAndSet(NONE, FINISHED)) {
        if (failure == null) {
          result.complete(value);
        } else {
          result.completeExceptionally(failure);
        }
      } else if (end.get() == TIMED_OUT) {
        runningAfterTimeout.decrementAndGet();
        if (interruptSent && !isInterruption(failure)) {
          ignoredInterrupts.increment();
          EventLog.interruptIgnored(name, time.nanoTime() - timedOutAt);
        }
      }
    }

    private void releaseBulkhead() {
      if (bulkhead != null) {
        bulkhead.release();
      }
    }

    void timeout() {
      runningAfterTimeout.incrementAndGet();
      if (!end.compareAndSet(NONE, TIMED_OUT)) {
        runningAfterTimeout.decrementAndGet();
        return;
      }
      timedOutAt = time.nanoTime();
      if (byDeadline) {
        countTimeout(listener, handle, attempt, Duration.ofNanos(limitNanos));
        result.completeExceptionally(deadlineException(0));
      } else {
        countTimeout(listener, handle, attempt);
        result.completeExceptionally(timeoutException());
      }
      if (state.compareAndSet(NEW, NEVER_RAN)) {
        runningAfterTimeout.decrementAndGet();
      } else if (cancelRunning) {
        interrupt();
      }
    }

    private void interrupt() {
      if (state.compareAndSet(RUNNING, INTERRUPTING)) {
        interruptSent = true;
        Thread w = worker;
        if (w != null) {
          w.interrupt();
        }
        state.set(RUNNING);
      }
    }

    Object await() throws Throwable {
      try {
        return result.get();
      } catch (ExecutionException e) {
        throw e.getCause();
      } catch (InterruptedException e) {
        if (end.compareAndSet(NONE, CANCELLED) && !state.compareAndSet(NEW, NEVER_RAN)) {
          interrupt();
        }
        Thread.currentThread().interrupt();
        CancellationException c =
            new CancellationException(
                "Interrupted while waiting for a call of policy '" + name + "'");
        c.initCause(e);
        throw c;
      }
    }
  }

  Duration timeout() {
    return config.timeout();
  }
}
