package dev.reliability.core.policy.internal;

import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.internal.SteppedCall;
import dev.reliability.core.policy.AdaptiveLimiter;
import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.Fallback;
import dev.reliability.core.policy.RejectionReason;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * A {@link SteppedCall} on one engine: the steps of {@link AsyncCall} with the waiting, the timer
 * and the running left to the caller. The engine is read once, when the call starts, so a call runs
 * to its end on one configuration, as every other call does.
 *
 * <p>Not thread-safe; see {@link SteppedCall}. Internal: may change at any time.
 */
final class EngineSteps implements SteppedCall {

  private final PolicyEngine e;
  private final long start;
  private final Object handle;

  /** The request's deadline on the engine's clock, {@link Long#MAX_VALUE} for none. */
  private final long due;

  /** No retry starts past this time: the retry's longest duration or the request's deadline. */
  private final long deadline;

  private final Object retryCall;

  private int attempt;
  private long previousDelay;
  private long attemptStart;
  private long limitNanos;
  private boolean limitIsDeadline;
  private boolean timedOut;
  private AdaptiveLimiter.Partition adaptivePermit;
  private Throwable failure;
  private RejectionReason rejection;
  private long stop;

  EngineSteps(PolicyEngine engine) {
    if (engine.hedge != null) {
      throw new UnsupportedOperationException(
          "Policy '" + engine.name + "' hedges: hedging is not supported by the Reactor operator");
    }
    if (engine.chaos != null) {
      throw new UnsupportedOperationException(
          "Policy '"
              + engine.name
              + "' has chaos strategies: they are not supported by the Reactor operator");
    }
    this.e = engine;
    this.start = engine.time.nanoTime();
    this.handle = engine.listener == null ? null : engine.listener.onCallStart(engine.name);
    this.due = engine.due(start);
    long d = Long.MAX_VALUE;
    if (engine.retry != null) {
      if (due == Long.MAX_VALUE || due - start > 0) {
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

  @Override
  public long admit() {
    attempt++;
    if (due != Long.MAX_VALUE) {
      long now = e.time.nanoTime();
      if (now - due >= 0) {
        // Expired before the attempt: not attempted, no permit taken, nothing for the breaker.
        return refuse(RejectionReason.DEADLINE_EXCEEDED, e.deadlineExceeded(due, now));
      }
    }
    if (e.breaker != null && !e.breaker.tryAcquire()) {
      return refuse(RejectionReason.CIRCUIT_OPEN, e.breaker.rejection());
    }
    if (e.throttle != null && !e.throttle.tryAcquire()) {
      releaseBreaker();
      return refuse(RejectionReason.THROTTLED, e.throttle.rejection());
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
        return refuse(RejectionReason.RATE_LIMITED, new RateLimitExceededException(e.name, -wait));
      }
      return wait;
    }
    return 0;
  }

  private long refuse(RejectionReason reason, Throwable rejection) {
    this.failure = rejection;
    this.rejection = reason;
    e.announceRejection(handle, reason, rejection);
    return REFUSED;
  }

  @Override
  public void abandonAdmitted() {
    e.throttleNotSent();
    releaseBreaker();
  }

  @Override
  public boolean enter() {
    // Never waits: a full bulkhead refuses at once, whatever its max-wait (a thread is not
    // blocked).
    if (e.bulkhead != null && !e.bulkhead.tryAcquireWithin(0, e.scheduler)) {
      e.throttleNotSent();
      releaseBreaker();
      refuse(
          RejectionReason.BULKHEAD_FULL,
          new BulkheadFullException(e.name, e.bulkheadMax, e.bulkheadRetryAfterNanos));
      return false;
    }
    if (e.adaptive != null) {
      AdaptiveLimiter.Partition p = e.adaptive.partition();
      if (!p.tryAcquire()) {
        if (e.bulkhead != null) {
          e.bulkhead.releaseUnused();
        }
        e.throttleNotSent();
        releaseBreaker();
        refuse(RejectionReason.CONCURRENCY_LIMITED, e.adaptive.rejection(e.name, p));
        return false;
      }
      adaptivePermit = p;
    }
    if (e.listener != null) {
      e.listener.onAttemptStart(
          e.name, handle, attempt, e.breaker == null ? null : e.breaker.state());
    }
    attemptStart = e.time.nanoTime();
    timedOut = false;
    long left = due == Long.MAX_VALUE ? Long.MAX_VALUE : due - attemptStart;
    if (e.timeLimit != null && left >= e.timeLimit.timeoutNanos) {
      limitNanos = e.timeLimit.timeoutNanos;
      limitIsDeadline = false;
    } else if (left != Long.MAX_VALUE) {
      // The request's deadline comes first (or there is no time limit): the attempt ends by it.
      limitNanos = Math.max(1, left);
      limitIsDeadline = true;
    } else {
      limitNanos = Long.MAX_VALUE;
      limitIsDeadline = false;
    }
    return true;
  }

  @Override
  public Throwable failure() {
    return failure;
  }

  @Override
  public long attemptLimitNanos() {
    return limitNanos;
  }

  @Override
  public Throwable timedOut() {
    timedOut = true;
    TimeLimit t = e.timeLimit;
    if (limitIsDeadline) {
      if (t != null) {
        t.countTimeout(e.listener, handle, attempt, Duration.ofNanos(limitNanos));
      }
      return e.deadlineExceeded(due, e.time.nanoTime());
    }
    t.countTimeout(e.listener, handle, attempt);
    return t.timeoutException();
  }

  private void releaseAttempt(Throwable error, long nanos) {
    if (e.bulkhead != null) {
      e.bulkhead.release();
    }
    AdaptiveLimiter.Partition permit = adaptivePermit;
    if (permit != null) {
      adaptivePermit = null;
      AdaptiveGate.release(permit, error, nanos);
    }
    if (e.listener != null) {
      e.listener.onAttemptEnd(e.name, handle, attempt, error, nanos);
    }
  }

  @Override
  public long attemptEnded(Object value, Throwable error, boolean valueRules, boolean mayRetry) {
    long now = e.time.nanoTime();
    long nanos = now - attemptStart;
    if (e.timeLimit != null && !timedOut) {
      e.timeLimit.countAsyncInTime(error);
    }
    releaseAttempt(error, nanos);
    if (error == null && !valueRules) {
      // A success whose value no rule judges (a Flux that completed): what the engine's loop does.
      if (e.breaker != null) {
        e.breaker.onSuccess(nanos, true);
      }
      if (e.throttle != null) {
        e.throttle.onAccepted();
      }
      if (e.retry != null) {
        e.retry.onSuccess();
      }
      return RETURN_VALUE;
    }
    long next =
        e.afterAttempt(
            value, error, attempt, nanos, now, previousDelay, deadline, retryCall, mayRetry);
    if (next == PolicyEngine.RETURN_VALUE) {
      return RETURN_VALUE;
    }
    if (next == PolicyEngine.RETURN_RETRIED_VALUE) {
      retriedValue = true;
      return RETURN_VALUE;
    }
    if (next < 0) {
      if (next == RetryState.EXHAUSTED) {
        e.noteDeadline(due, now, attempt, error);
      }
      stop = next;
      return FAIL;
    }
    e.announceRetry(handle, attempt + 1, error, next);
    previousDelay = next;
    return next;
  }

  private boolean retriedValue;

  @Override
  public void attemptCancelled() {
    long nanos = e.time.nanoTime() - attemptStart;
    releaseAttempt(new CancellationException("the subscriber cancelled"), nanos);
    // Neither success nor failure: the caller stopped waiting, the dependency said nothing.
    if (e.breaker != null) {
      e.breaker.onIgnored();
    }
    e.throttleNotSent();
  }

  @Override
  public void succeed(Object value) {
    e.succeed(value, start, e.time.nanoTime(), handle, attempt, retriedValue);
  }

  @Override
  public Object fail(Throwable failure, Object fallback) throws Throwable {
    return e.fail(failure, rejection, start, handle, attempt, stop, (Fallback<?>) fallback);
  }

  @Override
  public void cancelled() {
    if (e.listener != null) {
      e.listener.onCallEnd(
          e.name,
          handle,
          CallOutcome.FAILURE,
          new CancellationException("the subscriber cancelled"),
          attempt,
          e.time.nanoTime() - start);
    }
  }

  private void releaseBreaker() {
    if (e.breaker != null) {
      e.breaker.release();
    }
  }
}
