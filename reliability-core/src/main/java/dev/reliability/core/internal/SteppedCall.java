package dev.reliability.core.internal;

import io.micrometer.context.ContextSnapshotFactory;
import java.util.Objects;
import java.util.function.Function;

/**
 * One guarded call of a policy, driven step by step by an asynchronous runtime (the Reactor
 * operator) instead of the policy's own executor and scheduler: the runtime asks for each attempt's
 * admission, waits where the policy says to wait on its own timer, runs the attempt, and reports
 * how the attempt ended; the call keeps the policy's statistics, listener and component state
 * exactly as a synchronous or {@code CompletionStage} call of the same policy does.
 *
 * <p>Not thread-safe: one call is driven by one thread at a time, each step happening-before the
 * next (as the signals of one Reactive Streams subscription are), except {@link #cancelled()},
 * which may run on the cancelling thread.
 *
 * <p>Internal: may change at any time. Obtained with {@link #start(Object)}.
 */
public interface SteppedCall {

  /** {@link #admit()}: the attempt was refused; {@link #failure()} holds the rejection. */
  long REFUSED = -1;

  /** {@link #attemptEnded}: the attempt's value ends the call; call {@link #succeed(Object)}. */
  long RETURN_VALUE = Long.MIN_VALUE;

  /** {@link #attemptEnded}: the attempt's failure ends the call; call {@link #fail}. */
  long FAIL = Long.MIN_VALUE + 1;

  /**
   * Admits the next attempt: the request's deadline, the circuit breaker, the throttle and the rate
   * limiter, each asked without waiting.
   *
   * @return 0 to go on with {@link #enter()}; a positive wait in nanoseconds (a rate-limit permit
   *     is reserved) after which to call {@link #enter()}; or {@link #REFUSED}
   */
  long admit();

  /**
   * Gives back what {@link #admit()} took, for an attempt abandoned before {@link #enter()} (the
   * subscriber cancelled during the rate limiter's wait).
   */
  void abandonAdmitted();

  /**
   * Enters the attempt: the bulkhead and the adaptive limit, without waiting; on success the
   * attempt's clock starts and the listener hears of it.
   *
   * @return whether the attempt may run; false: {@link #failure()} holds the rejection
   */
  boolean enter();

  /**
   * Returns the rejection of the last refused {@link #admit()} or {@link #enter()}.
   *
   * @return the rejection
   */
  Throwable failure();

  /**
   * Returns the entered attempt's time limit: the policy's, clipped by the request's deadline.
   *
   * @return the limit in nanoseconds (at least 1), or {@link Long#MAX_VALUE} for none
   */
  long attemptLimitNanos();

  /**
   * Counts that the entered attempt reached {@link #attemptLimitNanos()} and returns the failure to
   * end it with: the policy's time-out, or the request's deadline exceeded.
   *
   * @return the failure; pass it to {@link #attemptEnded}
   */
  Throwable timedOut();

  /**
   * Ends the entered attempt: permits back, the breaker, throttle and retry told, the listener.
   *
   * @param value the attempt's value (null for none)
   * @param error the attempt's failure, or null if it returned
   * @param valueRules whether the policy's rules on returned values judge {@code value}
   * @param mayRetry whether a failure may be retried
   * @return a delay of zero or more nanoseconds before the next {@link #admit()}, {@link
   *     #RETURN_VALUE} or {@link #FAIL}
   */
  long attemptEnded(Object value, Throwable error, boolean valueRules, boolean mayRetry);

  /**
   * Ends the entered attempt because the subscriber cancelled: permits back, neither success nor
   * failure for the breaker (an ignored attempt), the listener hears a cancellation.
   */
  void attemptCancelled();

  /**
   * Ends the call with the last attempt's value: statistics and listener.
   *
   * @param value the value
   */
  void succeed(Object value);

  /**
   * Ends the call with a failure: statistics, listener, and the fallback if it handles it.
   *
   * @param failure the failure
   * @param fallback a {@code dev.reliability.core.policy.Fallback}, or null
   * @return the fallback's value
   * @throws Throwable the failure, or the fallback's own
   */
  Object fail(Throwable failure, Object fallback) throws Throwable;

  /**
   * Ends a call the subscriber cancelled: not counted in the statistics as an outcome; the listener
   * hears {@code onCallEnd} with a failure outcome and a {@link
   * java.util.concurrent.CancellationException}, so a per-call handle (a span) ends.
   */
  void cancelled();

  /**
   * Starts a call of a policy.
   *
   * @param policy a {@code dev.reliability.core.policy.Policy}
   * @return the call, its clock started, the retry budget credited
   * @throws UnsupportedOperationException if the policy has a component that cannot be driven step
   *     by step (hedging, chaos strategies)
   */
  static SteppedCall start(Object policy) {
    return Factory.calls.apply(Objects.requireNonNull(policy, "policy"));
  }

  /**
   * Returns how the policy captures and restores context across threads.
   *
   * @param policy a {@code dev.reliability.core.policy.Policy}
   * @return its snapshot factory
   */
  static ContextSnapshotFactory contexts(Object policy) {
    return Factory.contexts.apply(Objects.requireNonNull(policy, "policy"));
  }

  /**
   * Where the policy package installs its factories; the policy class does it when it is
   * initialised, so before any policy exists.
   */
  final class Factory {
    private static volatile Function<Object, SteppedCall> calls;
    private static volatile Function<Object, ContextSnapshotFactory> contexts;

    private Factory() {}

    /**
     * Installs the factories; called once by the policy class.
     *
     * @param calls starts a call of a policy
     * @param contexts reads a policy's snapshot factory
     */
    public static void install(
        Function<Object, SteppedCall> calls, Function<Object, ContextSnapshotFactory> contexts) {
      Factory.calls = calls;
      Factory.contexts = contexts;
    }
  }
}
