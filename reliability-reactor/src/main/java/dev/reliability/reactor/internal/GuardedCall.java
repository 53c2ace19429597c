package dev.reliability.reactor.internal;

import dev.reliability.core.internal.SteppedCall;
import dev.reliability.core.policy.Fallback;
import dev.reliability.core.policy.Policy;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ThreadLocalAccessor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * One subscription to a guarded publisher: the policy's call, driven step by step ({@link
 * SteppedCall}) by Reactor operators. Admission at subscription, the rate limiter's wait and the
 * retries' backoff as {@link Mono#delay} on the scheduler, the time limit as a {@code timeout},
 * each attempt a new subscription to the source with the caller's context in its thread locals.
 *
 * <p>Signals of one subscription are serialised, so the flow needs no lock; a cancellation can come
 * from any thread and meets the flow through {@link AttemptState} (the permits of an attempt) and
 * {@link #ended} (the call's end), each decided by one compare-and-set.
 *
 * <p>Internal: may change at any time.
 *
 * @param <T> the type of the elements
 */
public final class GuardedCall<T> {

  /** An empty Mono's outcome. */
  private static final Object EMPTY = new Object();

  /** A completed Flux's outcome. */
  private static final Object COMPLETED = new Object();

  private final Publisher<T> source;
  private final boolean mono;
  private final Scheduler scheduler;
  private final Fallback<? extends T> fallback;
  private final ContextSnapshot snapshot;

  /**
   * The thread that subscribed, and whether the subscriber's Reactor Context holds values for the
   * thread locals: while the subscription runs on that thread, inside its call to subscribe, and
   * the Context adds nothing, the thread locals are already the caller's and are not set again.
   */
  private final Thread origin;

  private final boolean contextHasValues;

  /** True while the origin thread is inside the subscription; written and read by it only. */
  private boolean subscribing;

  /** The policy's call; set once during the subscription, before any signal. */
  private SteppedCall call;

  /**
   * Invariant: set from false to true once, by whichever ends the call first (its last attempt's
   * success, its failure, or a cancellation); only that one reports the call's end. With {@link
   * #cancelRequested} and {@link #current}, modelled and proved by AttemptStateLincheckTest.
   */
  private final AtomicBoolean ended = new AtomicBoolean();

  /** Set by a cancellation before it reads {@link #current}; read by the flow after writing it. */
  private volatile boolean cancelRequested;

  /** The attempt the flow works on, or the last one. */
  private volatile AttemptState current;

  /** Whether the attempt in flight emitted an element (a Flux); then it is not retried. */
  private boolean emitted;

  private GuardedCall(
      Publisher<T> source,
      boolean mono,
      Scheduler scheduler,
      Fallback<? extends T> fallback,
      ContextSnapshot snapshot,
      boolean contextHasValues) {
    this.source = source;
    this.mono = mono;
    this.scheduler = scheduler;
    this.fallback = fallback;
    this.snapshot = snapshot;
    this.origin = Thread.currentThread();
    this.contextHasValues = contextHasValues;
  }

  /**
   * Guards a publisher: each subscription is one call of the policy.
   *
   * @param policy the policy
   * @param source the source
   * @param mono whether the source is a Mono (a value ends an attempt, value rules apply)
   * @param scheduler where waits and time limits run; null for {@link Schedulers#parallel()},
   *     resolved at subscription (so virtual time in tests replaces it)
   * @param fallback the fallback, or null
   * @param <T> the type of the elements
   * @return the guarded publisher
   */
  public static <T> Flux<T> guard(
      Policy policy,
      Publisher<T> source,
      boolean mono,
      Scheduler scheduler,
      Fallback<? extends T> fallback) {
    return new Guarded<>(policy, source, mono, scheduler, fallback);
  }

  /** Puts the caller's context into the thread locals, unless they already hold it. */
  private ContextSnapshot.Scope scope() {
    // The thread first: only the origin thread may read its own flag.
    if (Thread.currentThread() == origin && subscribing && !contextHasValues) {
      return NO_SCOPE;
    }
    return snapshot.setThreadLocals();
  }

  private static final ContextSnapshot.Scope NO_SCOPE = () -> {};

  /** Whether a Reactor Context holds a value for a registered thread-local accessor. */
  private static boolean hasThreadLocalValues(ContextView ctx) {
    if (ctx.isEmpty()) {
      return false;
    }
    for (ThreadLocalAccessor<?> a : ContextRegistry.getInstance().getThreadLocalAccessors()) {
      if (ctx.hasKey(a.key())) {
        return true;
      }
    }
    return false;
  }

  /** The guarded publisher: each subscription starts one call. */
  private static final class Guarded<T> extends Flux<T> {
    private final Policy policy;
    private final Publisher<T> source;
    private final boolean mono;
    private final Scheduler scheduler;
    private final Fallback<? extends T> fallback;

    Guarded(
        Policy policy,
        Publisher<T> source,
        boolean mono,
        Scheduler scheduler,
        Fallback<? extends T> fallback) {
      this.policy = policy;
      this.source = source;
      this.mono = mono;
      this.scheduler = scheduler;
      this.fallback = fallback;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
      ContextView ctx = actual.currentContext();
      ContextSnapshot snapshot = SteppedCall.contexts(policy).captureAll(ctx);
      // Resolved at each subscription, so that virtual time in tests replaces it.
      Scheduler on = scheduler != null ? scheduler : Schedulers.parallel();
      GuardedCall<T> g =
          new GuardedCall<>(source, mono, on, fallback, snapshot, hasThreadLocalValues(ctx));
      g.subscribing = true;
      try {
        try (ContextSnapshot.Scope s = g.scope()) {
          g.call = SteppedCall.start(policy);
        } catch (UnsupportedOperationException e) {
          Operators.error(actual, e);
          return;
        }
        g.attempt().doOnCancel(g::cancel).subscribe(actual);
      } finally {
        g.subscribing = false;
      }
    }
  }

  /** Starts an attempt: admission, then the rate limiter's wait if any, then entry. */
  private Flux<T> attempt() {
    AttemptState st = new AttemptState();
    current = st;
    if (cancelRequested) {
      // The cancellation may have looked at the attempt before this one: nothing is held yet.
      return Flux.empty();
    }
    try (ContextSnapshot.Scope s = scope()) {
      long admit = call.admit();
      if (admit == SteppedCall.REFUSED) {
        st.end();
        return failCall(call.failure());
      }
      if (admit == 0) {
        return enter(st);
      }
      if (!st.park(AttemptState.ADMITTED)) {
        call.abandonAdmitted();
        return Flux.empty();
      }
      return Mono.delay(Duration.ofNanos(admit), scheduler)
          .flatMapMany(x -> st.resume(AttemptState.ADMITTED) ? enterInScope(st) : Flux.empty());
    }
  }

  private Flux<T> enterInScope(AttemptState st) {
    try (ContextSnapshot.Scope s = scope()) {
      return enter(st);
    }
  }

  /** Enters the attempt and subscribes to the source; called with the context in scope. */
  private Flux<T> enter(AttemptState st) {
    if (!call.enter()) {
      st.end();
      return failCall(call.failure());
    }
    if (!st.park(AttemptState.ENTERED)) {
      call.attemptCancelled();
      return Flux.empty();
    }
    emitted = false;
    Flux<T> a = new ScopedSource();
    long limit = call.attemptLimitNanos();
    if (limit != Long.MAX_VALUE) {
      Duration d = Duration.ofNanos(limit);
      Flux<T> onTimeout = Flux.defer(() -> Flux.error(timedOut()));
      a =
          mono
              ? a.timeout(Mono.delay(d, scheduler), x -> Mono.never(), onTimeout)
              : a.timeout(Mono.delay(d, scheduler), x -> Mono.delay(d, scheduler), onTimeout);
    }
    if (mono) {
      return Mono.from(a)
          .map(v -> (Object) v)
          .defaultIfEmpty(EMPTY)
          .onErrorResume(e -> Mono.just(new Failed(e)))
          .flatMapMany(o -> ended(st, o));
    }
    return a.doOnNext(v -> emitted = true)
        .concatWith(Flux.defer(() -> ended(st, COMPLETED)))
        .onErrorResume(e -> ended(st, new Failed(e)));
  }

  private Throwable timedOut() {
    try (ContextSnapshot.Scope s = scope()) {
      return call.timedOut();
    }
  }

  /** The attempt ended with an outcome: record it, then end the call or retry. */
  @SuppressWarnings("unchecked")
  private Flux<T> ended(AttemptState st, Object outcome) {
    if (!st.resume(AttemptState.ENTERED)) {
      // Cancelled first: the canceller gave the permits back and ended the call.
      return Flux.empty();
    }
    try (ContextSnapshot.Scope s = scope()) {
      Throwable error = outcome instanceof Failed f ? f.error : null;
      Object value = error != null || outcome == EMPTY || outcome == COMPLETED ? null : outcome;
      long next = call.attemptEnded(value, error, mono, !emitted);
      st.end();
      if (next == SteppedCall.RETURN_VALUE) {
        if (!ended.compareAndSet(false, true)) {
          return Flux.empty();
        }
        call.succeed(value);
        return value == null ? Flux.empty() : Flux.just((T) value);
      }
      if (next == SteppedCall.FAIL) {
        return failCall(error);
      }
      if (next == 0) {
        return attempt();
      }
      return Mono.delay(Duration.ofNanos(next), scheduler).flatMapMany(x -> attempt());
    }
  }

  /** Ends the call with a failure, or the fallback's value; called with the context in scope. */
  @SuppressWarnings("unchecked")
  private Flux<T> failCall(Throwable failure) {
    if (!ended.compareAndSet(false, true)) {
      return Flux.empty();
    }
    Object v;
    try {
      v = call.fail(failure, fallback);
    } catch (Throwable t) {
      return Flux.error(t);
    }
    return v == null ? Flux.empty() : Flux.just((T) v);
  }

  /** The subscriber cancelled: give back what the attempt holds and end the call, once. */
  private void cancel() {
    cancelRequested = true;
    AttemptState st = current;
    int held = st == null ? AttemptState.NOTHING : st.cancel();
    try (ContextSnapshot.Scope s = scope()) {
      if (held == AttemptState.ADMITTED) {
        call.abandonAdmitted();
      } else if (held == AttemptState.ENTERED) {
        call.attemptCancelled();
      }
      if (ended.compareAndSet(false, true)) {
        call.cancelled();
      }
    }
  }

  /** An attempt's failure, told apart from a value. */
  private record Failed(Throwable error) {}

  /** Subscribes to the source with the caller's context in the thread locals. */
  private final class ScopedSource extends Flux<T> {
    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
      try (ContextSnapshot.Scope s = scope()) {
        source.subscribe(actual);
      }
    }
  }
}
