package dev.reliability.core.policy.internal;

import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.time.TimeSource;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A policy's own circuit breaker: the one owner of its state. Each state is a {@link BreakerState}
 * (closed with its sliding window, open, half-open with its trial calls, forced open, forced
 * closed, disabled); the current one is the last of a chain in which every transition is one
 * compare-and-set ({@link BreakerState#leaveFor}), and the transitions are reported to the listener
 * in the chain's order, each once, by {@link #drain()}. Nothing is polled.
 *
 * <p>The rules are Resilience4j's, which the differential property tests pin: a count-based window
 * up to {@link CountWindow#MAX_SIZE} calls is a {@link CountWindow} (Resilience4j's rule without
 * its lock); a time-based or larger window is Resilience4j's own window class ({@link
 * Resilience4jWindow}); the open state lets a trial call through once the wait is over (strictly
 * after it, to the millisecond, as Resilience4j does); the half-open state counts its trial calls
 * in a count-based window of that many calls and closes when they are below both thresholds. On
 * top: the consecutive-failure rule (any failed trial call then reopens at once) and the half-open
 * time limit, checked when a call asks for a permission.
 *
 * <p>Counts are kept where the breaker records them: successes in a per-thread {@link Stats}, the
 * rest in striped adders, openings where the transition to open is made.
 *
 * <p>Thread-safe. Internal: may change at any time.
 */
final class Breaker implements PolicyBreaker {

  /** Receives state changes, in the order they happened, each once. */
  interface StateSink {
    void onStateChange(CircuitState from, CircuitState to);
  }

  private static final VarHandle CURRENT;
  private static final VarHandle DRAINS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CURRENT = lookup.findVarHandle(Breaker.class, "current", BreakerState.class);
      DRAINS = lookup.findVarHandle(Breaker.class, "drains", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;
  private final CircuitBreakerConfig config;
  private final TimeSource time;
  private final StateSink sink;
  private final Stats successes;
  private final int failureThreshold;
  private final long slowNanos;
  private final long waitInOpenNanos;

  /** The open state's wait as Resilience4j applies it: whole milliseconds, then strictly after. */
  private final long openWaitNanos;

  private final long maxWaitInHalfOpenNanos;
  private final int halfOpenCalls;

  /** Makes the closed and forced-closed states' windows. */
  private final Supplier<Window> windows;

  /** Makes the half-open state's window of trial calls. */
  private final Supplier<Window> trials;

  /**
   * The current state, or one that a transition has just left (then its {@code next} is set and
   * {@link #current()} moves on). Only ever moves forward along the chain.
   */
  @SuppressWarnings("unused") // accessed through CURRENT
  private volatile BreakerState current;

  /** The last state reported to the sink; read and written only by the thread that drains. */
  private BreakerState reported;

  /** Transitions waiting for a report; the thread that raises it from zero drains them. */
  @SuppressWarnings("unused") // accessed through DRAINS
  private volatile int drains;

  // Shared with the breaker of the policy's next configuration, so counts continue across it.
  private final LongAdder failed;
  private final LongAdder slowSuccessful;
  private final LongAdder slowFailed;
  private final LongAdder rejected;
  private final LongAdder ignored;
  private final LongAdder openings;

  /** The closed window's minimum calls, as the window applies it. */
  private final int closedMinimum;

  private final float failureRatePercent;
  private final float slowCallRatePercent;

  /**
   * Set once a breaker of a newer configuration took over: transitions that calls still in flight
   * make here afterwards are not reported, since this breaker no longer decides.
   */
  private volatile boolean retired;

  /**
   * Creates a closed breaker.
   *
   * @param name the policy's name
   * @param config the settings
   * @param time the time source
   * @param sink receives the state changes
   * @param successes where the breaker counts the attempts it records as successes
   */
  Breaker(
      String name, CircuitBreakerConfig config, TimeSource time, StateSink sink, Stats successes) {
    this(name, config, time, sink, successes, null);
  }

  /**
   * Creates a breaker with new settings that carries on from a running one: its state (an open
   * breaker stays open for what is left of its wait, measured by the new wait; a half-open one
   * starts a fresh set of the new trial calls with its half-open time going on; a closed or forced
   * closed one keeps its window's outcomes when the window's kind and size are unchanged, judged by
   * the new thresholds, and starts an empty window otherwise), its counts (shared from now on), and
   * its failures in a row.
   *
   * @param previous the running breaker, or null for a new closed breaker
   */
  Breaker(
      String name,
      CircuitBreakerConfig config,
      TimeSource time,
      StateSink sink,
      Stats successes,
      Breaker previous) {
    this.name = name;
    this.config = config;
    this.time = time;
    this.sink = sink;
    this.successes = previous == null ? successes : previous.successes;
    this.failed = previous == null ? new LongAdder() : previous.failed;
    this.slowSuccessful = previous == null ? new LongAdder() : previous.slowSuccessful;
    this.slowFailed = previous == null ? new LongAdder() : previous.slowFailed;
    this.rejected = previous == null ? new LongAdder() : previous.rejected;
    this.ignored = previous == null ? new LongAdder() : previous.ignored;
    this.openings = previous == null ? new LongAdder() : previous.openings;
    this.failureThreshold = config.failureThreshold();
    this.slowNanos = config.slowCallThreshold().toNanos();
    this.waitInOpenNanos = config.waitInOpen().toNanos();
    this.openWaitNanos = config.waitInOpen().toMillis() * 1_000_000L;
    this.maxWaitInHalfOpenNanos = config.maxWaitInHalfOpen().toNanos();
    this.halfOpenCalls = config.halfOpenCalls();
    // Resilience4j's thresholds are floats in percent; the rule compares in float.
    float failureRate = (float) (config.failureRateThreshold() * 100.0);
    float slowRate = (float) (config.slowCallRateThreshold() * 100.0);
    this.failureRatePercent = failureRate;
    this.slowCallRatePercent = slowRate;
    int size = config.slidingWindowSize();
    int minimumCalls = config.minimumCalls();
    this.closedMinimum =
        config.slidingWindowType() == CircuitBreakerConfig.WindowType.COUNT_BASED
            ? Math.min(minimumCalls, size)
            : minimumCalls;
    if (config.slidingWindowType() == CircuitBreakerConfig.WindowType.TIME_BASED) {
      Clock clock = new TimeSourceClock(time);
      this.windows =
          () -> Resilience4jWindow.timed(size, clock, minimumCalls, failureRate, slowRate);
    } else if (size <= CountWindow.MAX_SIZE) {
      this.windows = () -> new CountWindow(size, minimumCalls, failureRate, slowRate);
    } else {
      this.windows = () -> Resilience4jWindow.counting(size, minimumCalls, failureRate, slowRate);
    }
    // The trial calls' window is count-based, and its minimum is at most the trial calls and, as
    // Resilience4j's configuration caps it, at most a count-based window's size.
    int calls = halfOpenCalls;
    int trialMinimum =
        config.slidingWindowType() == CircuitBreakerConfig.WindowType.COUNT_BASED
            ? Math.min(minimumCalls, size)
            : minimumCalls;
    this.trials =
        calls <= CountWindow.MAX_SIZE
            ? () -> new CountWindow(calls, trialMinimum, failureRate, slowRate)
            : () -> Resilience4jWindow.counting(calls, trialMinimum, failureRate, slowRate);
    BreakerState first =
        previous == null
            ? BreakerState.closed(windows.get(), time.nanoTime())
            : carried(
                previous.retire(),
                previous.config.slidingWindowType() == config.slidingWindowType()
                    && previous.config.slidingWindowSize() == config.slidingWindowSize());
    this.current = first;
    this.reported = first;
  }

  /**
   * Marks this breaker as replaced and returns its state at that moment.
   *
   * @return the current state
   */
  private BreakerState retire() {
    retired = true;
    return current();
  }

  /** The state of a new breaker that carries on from a running breaker's state {@code s}. */
  private BreakerState carried(BreakerState s, boolean sameShape) {
    switch (s.kind) {
      case CLOSED:
        {
          BreakerState c = BreakerState.closed(carriedWindow(s.window, sameShape), s.since);
          c.carryFailuresInARow(s);
          return c;
        }
      case OPEN:
        // The window it opened with: its rates stay readable; the wait goes on from `since`.
        return BreakerState.open(s.window, s.since);
      case HALF_OPEN:
        return BreakerState.halfOpen(trials.get(), halfOpenCalls, s.since);
      case FORCED_CLOSED:
        return BreakerState.forcedClosed(carriedWindow(s.window, sameShape), s.since);
      case FORCED_OPEN:
        return BreakerState.forcedOpen(s.since);
      default:
        return BreakerState.disabled(s.since);
    }
  }

  /** The old closed window's outcomes under the new thresholds, or a new window if it differs. */
  private Window carriedWindow(Window old, boolean sameShape) {
    return sameShape
        ? old.withThresholds(closedMinimum, failureRatePercent, slowCallRatePercent)
        : windows.get();
  }

  /**
   * Returns the Resilience4j configuration with the same rules, for the differential tests that pin
   * this breaker's decisions to a plain Resilience4j breaker's.
   */
  static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig resilience4jConfig(
      CircuitBreakerConfig c, TimeSource time) {
    return io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
        .failureRateThreshold((float) (c.failureRateThreshold() * 100.0))
        .slowCallRateThreshold((float) (c.slowCallRateThreshold() * 100.0))
        .slowCallDurationThreshold(c.slowCallThreshold())
        .slidingWindow(
            c.slidingWindowSize(),
            c.minimumCalls(),
            c.slidingWindowType() == CircuitBreakerConfig.WindowType.COUNT_BASED
                ? SlidingWindowType.COUNT_BASED
                : SlidingWindowType.TIME_BASED,
            // The lock-free time window reads the system clock; this one reads ours.
            SlidingWindowSynchronizationStrategy.SYNCHRONIZED)
        .waitDurationInOpenState(c.waitInOpen())
        .permittedNumberOfCallsInHalfOpenState(c.halfOpenCalls())
        .maxWaitDurationInHalfOpenState(Duration.ZERO)
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .writableStackTraceEnabled(false)
        .clock(new TimeSourceClock(time))
        .build();
  }

  /**
   * Maps a Resilience4j state to ours: {@code METRICS_ONLY} is {@link CircuitState#FORCED_CLOSED}.
   *
   * @param s the Resilience4j state
   * @return ours
   */
  static CircuitState map(io.github.resilience4j.circuitbreaker.CircuitBreaker.State s) {
    switch (s) {
      case CLOSED:
        return CircuitState.CLOSED;
      case OPEN:
        return CircuitState.OPEN;
      case HALF_OPEN:
        return CircuitState.HALF_OPEN;
      case FORCED_OPEN:
        return CircuitState.FORCED_OPEN;
      case METRICS_ONLY:
        return CircuitState.FORCED_CLOSED;
      default:
        return CircuitState.DISABLED;
    }
  }

  // ---- the state chain

  /** Returns the current state: the end of the chain, moving the current pointer along it. */
  private BreakerState current() {
    BreakerState s = (BreakerState) CURRENT.getAcquire(this);
    BreakerState n;
    while ((n = s.next()) != null) {
      // CAS invariant: current only moves from a state to its successor, so it never goes back.
      CURRENT.compareAndSet(this, s, n);
      s = n;
    }
    return s;
  }

  /**
   * Makes a transition from a state, if no other transition left it first, and reports it.
   *
   * @return whether this call made it
   */
  private boolean move(BreakerState from, BreakerState to) {
    if (!from.leaveFor(to)) {
      return false;
    }
    // CAS invariant: current only moves forward along the chain; if another thread already moved
    // it past `from` (to `to` or beyond), this compare-and-set fails and changes nothing.
    CURRENT.compareAndSet(this, from, to);
    if (to.kind == CircuitState.OPEN
        && (from.kind == CircuitState.CLOSED || from.kind == CircuitState.HALF_OPEN)) {
      openings.increment();
    }
    drain();
    return true;
  }

  /** Replaces whatever state is current, as a manual control does. */
  private void replace(Supplier<BreakerState> next) {
    while (!move(current(), next.get())) {
      // another transition came first: replace the state it made
    }
  }

  /**
   * Reports the transitions not yet reported, in the chain's order. One thread drains at a time:
   * the one that raised the count from zero; a thread that finds a drain under way leaves its
   * transition to it. A state replaced by one of the same kind (a reset of a closed breaker, say)
   * is not a change and is not reported, as in Resilience4j.
   */
  private void drain() {
    // Invariant: drains counts the transitions announced and not yet taken up by the draining
    // thread; only the thread that raises it from zero drains, and it leaves only when its own
    // subtraction brings the count back to zero, so no announced transition is left unreported and
    // `reported` is written by one thread at a time (BreakerModelCheckTest checks every
    // interleaving it reaches).
    if ((int) DRAINS.getAndAdd(this, 1) != 0) {
      return;
    }
    int missed = 1;
    try {
      while (true) {
        BreakerState r = reported;
        BreakerState n;
        while ((n = r.next()) != null) {
          reported = n;
          if (r.kind != n.kind && !retired) {
            sink.onStateChange(r.kind, n.kind);
          }
          r = n;
        }
        missed = (int) DRAINS.getAndAdd(this, -missed) - missed;
        if (missed == 0) {
          return;
        }
      }
    } catch (RuntimeException | Error e) {
      // The sink failed: let the next transition's thread drain what is left.
      DRAINS.setVolatile(this, 0);
      throw e;
    }
  }

  private void trip(BreakerState from) {
    move(from, BreakerState.open(from.window, time.nanoTime()));
  }

  // ---- hot path

  @Override
  public boolean tryAcquire() {
    while (true) {
      final BreakerState s = current();
      final CircuitState k = s.kind;
      if (k == CircuitState.CLOSED) {
        return true;
      }
      if (k == CircuitState.OPEN) {
        long now = time.nanoTime();
        if (now - s.since > openWaitNanos) {
          move(s, BreakerState.halfOpen(trials.get(), halfOpenCalls, now));
          continue; // ask the half-open state, whoever made it
        }
      } else if (k == CircuitState.HALF_OPEN) {
        if (maxWaitInHalfOpenNanos > 0) {
          long now = time.nanoTime();
          if (now - s.since >= maxWaitInHalfOpenNanos) {
            move(s, BreakerState.open(s.window, now));
            continue;
          }
        }
        if (s.takePermit()) {
          return true;
        }
      } else if (k != CircuitState.FORCED_OPEN) {
        return true; // forced closed or disabled
      }
      rejected.increment();
      return false;
    }
  }

  @Override
  public void release() {
    BreakerState s = current();
    if (s.kind == CircuitState.HALF_OPEN) {
      s.releasePermit();
    }
  }

  @Override
  public void onSuccess(long nanos, boolean endsCall) {
    final BreakerState s = current();
    final boolean slow = nanos > slowNanos;
    final CircuitState k = s.kind;
    // Counted before the window: after the window's compare-and-set, this write doubled the time
    // of a success on two threads sharing the breaker (PolicyBenchmark, 148 against 87 ns).
    successes.success(nanos);
    if (k == CircuitState.CLOSED) {
      if (s.window.add(slow ? CountWindow.SUCCESS | CountWindow.SLOW : CountWindow.SUCCESS, nanos)
          == Window.EXCEEDED) {
        trip(s);
      } else if (failureThreshold > 0) {
        s.endRun();
      }
    } else if (k != CircuitState.FORCED_OPEN && k != CircuitState.DISABLED) {
      int verdict =
          s.window.add(slow ? CountWindow.SUCCESS | CountWindow.SLOW : CountWindow.SUCCESS, nanos);
      if (k == CircuitState.HALF_OPEN) {
        settle(s, verdict);
      }
    }
    if (slow) {
      slowSuccessful.increment();
    }
  }

  @Override
  public void onFailure(long nanos, Throwable failure, boolean callSucceeds) {
    final BreakerState s = current();
    final boolean slow = nanos > slowNanos;
    final CircuitState k = s.kind;
    failed.increment();
    if (slow) {
      slowFailed.increment();
    }
    if (k == CircuitState.FORCED_OPEN || k == CircuitState.DISABLED) {
      return;
    }
    int verdict =
        s.window.add(slow ? CountWindow.FAILURE | CountWindow.SLOW : CountWindow.FAILURE, nanos);
    if (k == CircuitState.CLOSED) {
      if (verdict == Window.EXCEEDED
          | (failureThreshold > 0 && s.addFailureInARow() >= failureThreshold)) {
        trip(s);
      }
    } else if (k == CircuitState.HALF_OPEN) {
      if (failureThreshold > 0) {
        trip(s); // a failed trial call reopens at once under the consecutive-failure rule
      } else {
        settle(s, verdict);
      }
    }
  }

  /** Ends the half-open state once its trial calls decide. */
  private void settle(BreakerState halfOpen, int verdict) {
    if (verdict == Window.EXCEEDED) {
      trip(halfOpen);
    } else if (verdict == Window.BELOW) {
      move(halfOpen, BreakerState.closed(windows.get(), time.nanoTime()));
    }
  }

  @Override
  public void onIgnored() {
    release();
    ignored.increment();
  }

  @Override
  public boolean refusesCalls() {
    CircuitState s = current().kind;
    return s == CircuitState.OPEN || s == CircuitState.FORCED_OPEN;
  }

  @Override
  public CircuitOpenException rejection() {
    BreakerState s = current();
    // The hint as retryAfter() computes it, in nanoseconds: no Optional and no Duration per call.
    long left = -1;
    if (s.kind == CircuitState.OPEN) {
      left = Math.max(0, Math.min(waitInOpenNanos - (time.nanoTime() - s.since), waitInOpenNanos));
    }
    return new CircuitOpenException(name, s.kind.name(), left);
  }

  // ---- view

  @Override
  public CircuitState state() {
    return current().kind;
  }

  @Override
  public Optional<Duration> retryAfter() {
    return retryAfter(current());
  }

  private Optional<Duration> retryAfter(BreakerState s) {
    if (s.kind != CircuitState.OPEN) {
      return Optional.empty();
    }
    long left = waitInOpenNanos - (time.nanoTime() - s.since);
    return Optional.of(Duration.ofNanos(Math.max(0, Math.min(left, waitInOpenNanos))));
  }

  @Override
  public CircuitBreakerConfig config() {
    return config;
  }

  @Override
  public float failureRate() {
    return current().window.failureRate();
  }

  @Override
  public float slowCallRate() {
    return current().window.slowCallRate();
  }

  @Override
  public int bufferedCalls() {
    return current().window.bufferedCalls();
  }

  @Override
  public long successfulCalls() {
    return successes.calls(CallOutcome.SUCCESS);
  }

  @Override
  public long failedCalls() {
    return failed.sum();
  }

  @Override
  public long slowSuccessfulCalls() {
    return slowSuccessful.sum();
  }

  @Override
  public long slowFailedCalls() {
    return slowFailed.sum();
  }

  @Override
  public long rejectedCalls() {
    return rejected.sum();
  }

  @Override
  public long ignoredCalls() {
    return ignored.sum();
  }

  @Override
  public long openings() {
    return openings.sum();
  }

  @Override
  public void forceOpen() {
    replace(() -> BreakerState.forcedOpen(time.nanoTime()));
  }

  @Override
  public void forceClosed() {
    replace(() -> BreakerState.forcedClosed(windows.get(), time.nanoTime()));
  }

  @Override
  public void disable() {
    replace(() -> BreakerState.disabled(time.nanoTime()));
  }

  @Override
  public void reset() {
    replace(() -> BreakerState.closed(windows.get(), time.nanoTime()));
  }

  @Override
  public Optional<io.github.resilience4j.circuitbreaker.CircuitBreaker> resilience4j() {
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "CircuitBreaker[" + name + ", " + state() + "]";
  }
}
