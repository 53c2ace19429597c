package dev.reliability.core.policy.internal;

import dev.reliability.core.context.Deadline;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.DeadlineExceededException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.ChaosConfig;
import dev.reliability.core.policy.ChaosKind;
import dev.reliability.core.policy.ChaosSwitch;
import dev.reliability.core.policy.PolicyListener;
import dev.reliability.core.policy.PolicyScheduler;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The chaos strategies of one policy and their runtime switch: decides per attempt whether to delay
 * it, fail it or substitute its result, and marks every injection (counter, log line, listener).
 * The engine wraps a call's function (or asynchronous supplier) in an attempt object of this class
 * only when injection is on and the call's key matches, so the call below runs exactly where the
 * user's call would: innermost, inside the time limit.
 *
 * <p>State: the switch's values are one immutable {@link Rates} in a volatile field, read once per
 * attempt; changes replace it under this object's monitor (rare, never around blocking work), so no
 * change is lost and an attempt sees one consistent set of values.
 *
 * <p>Internal: may change at any time.
 */
public final class ChaosState implements ChaosSwitch {

  private final String name;
  private final ChaosConfig config;
  private final PolicyListener listener;
  private final PolicyScheduler scheduler;
  private final Executor executor;
  private final ContextSnapshotFactory contexts;
  private final DoubleSupplier random;
  private final Set<String> keys;
  private final LongAdder[] counts = new LongAdder[ChaosKind.values().length];

  private volatile Rates rates;

  /** The switch's values at one moment; immutable. */
  private record Rates(
      boolean enabled, double faultRate, double latencyRate, long latencyNanos, double resultRate) {
    Rates with(boolean on) {
      return new Rates(on, faultRate, latencyRate, latencyNanos, resultRate);
    }
  }

  ChaosState(
      String name,
      ChaosConfig config,
      PolicyListener listener,
      PolicyScheduler scheduler,
      Executor executor,
      ContextSnapshotFactory contexts,
      ChaosState before) {
    this.name = name;
    this.config = config;
    this.listener = listener;
    this.scheduler = scheduler;
    this.executor = executor;
    this.contexts = contexts;
    this.random = config.random();
    this.keys = config.keys();
    // A reconfigured policy's chaos takes its values from the new configuration and keeps the
    // counts, so its meters never go back.
    for (int i = 0; i < counts.length; i++) {
      counts[i] = before == null ? new LongAdder() : before.counts[i];
    }
    this.rates =
        new Rates(
            config.enabled(),
            config.faultRate(),
            config.latencyRate(),
            config.latency().toNanos(),
            config.resultRate());
  }

  // ------------------------------------------------------------------ the switch

  @Override
  public synchronized void enable() {
    rates = rates.with(true);
  }

  @Override
  public synchronized void disable() {
    rates = rates.with(false);
  }

  @Override
  public boolean isEnabled() {
    return rates.enabled;
  }

  @Override
  public double faultRate() {
    return rates.faultRate;
  }

  @Override
  public synchronized void faultRate(double rate) {
    ChaosConfig.FAULT_RATE.check(rate);
    Rates r = rates;
    rates = new Rates(r.enabled, rate, r.latencyRate, r.latencyNanos, r.resultRate);
  }

  @Override
  public double latencyRate() {
    return rates.latencyRate;
  }

  @Override
  public synchronized void latencyRate(double rate) {
    ChaosConfig.LATENCY_RATE.check(rate);
    Rates r = rates;
    rates = new Rates(r.enabled, r.faultRate, rate, r.latencyNanos, r.resultRate);
  }

  @Override
  public Duration latency() {
    return Duration.ofNanos(rates.latencyNanos);
  }

  @Override
  public synchronized void latency(Duration latency) {
    long nanos = ChaosConfig.LATENCY.check(latency).toNanos();
    Rates r = rates;
    rates = new Rates(r.enabled, r.faultRate, r.latencyRate, nanos, r.resultRate);
  }

  @Override
  public double resultRate() {
    return rates.resultRate;
  }

  @Override
  public synchronized void resultRate(double rate) {
    ChaosConfig.RESULT_RATE.check(rate);
    if (rate > 0 && config.result() == null) {
      throw new IllegalArgumentException(
          "result-rate must be 0 when no result supplier is set, was " + rate);
    }
    Rates r = rates;
    rates = new Rates(r.enabled, r.faultRate, r.latencyRate, r.latencyNanos, rate);
  }

  @Override
  public long injections(ChaosKind kind) {
    return counts[kind.ordinal()].sum();
  }

  @Override
  public ChaosConfig config() {
    return config;
  }

  @Override
  public String toString() {
    Rates r = rates;
    return "ChaosSwitch["
        + name
        + ", enabled="
        + r.enabled
        + ", faultRate="
        + r.faultRate
        + ", latencyRate="
        + r.latencyRate
        + ", latency="
        + Duration.ofNanos(r.latencyNanos)
        + ", resultRate="
        + r.resultRate
        + "]";
  }

  // ------------------------------------------------------------------ wrapping a call

  /**
   * Returns the call's function wrapped so that each attempt may be touched, or the function itself
   * when injection is off or the call's key does not match. Read on the caller's thread.
   *
   * @param fn the user's function
   * @param shape its {@link Invoker} shape
   * @param handle the listener's handle of the call, or null
   * @return {@code fn}, or a {@link Callable} to run in its place with shape {@link
   *     Invoker#CALLABLE}
   */
  Object wrap(Object fn, int shape, Object handle) {
    if (!rates.enabled) {
      return fn;
    }
    String key = currentKey();
    if (!keys.isEmpty() && (key == null || !keys.contains(key))) {
      return fn;
    }
    return new SyncAttempt(fn, shape, handle, key);
  }

  /**
   * Returns the asynchronous call's supplier wrapped so that each attempt may be touched, or the
   * supplier itself when injection is off or the call's key does not match.
   */
  <T> Supplier<? extends CompletionStage<? extends T>> wrapAsync(
      Supplier<? extends CompletionStage<? extends T>> supplier, Object handle) {
    if (!rates.enabled) {
      return supplier;
    }
    String key = currentKey();
    if (!keys.isEmpty() && (key == null || !keys.contains(key))) {
      return supplier;
    }
    return new AsyncAttempt<T>(supplier, handle, key);
  }

  /** The current call's key, or null; only looked up when a key filter is set. */
  private String currentKey() {
    if (keys.isEmpty()) {
      return null;
    }
    try {
      Supplier<String> source = config.keySource();
      if (source != null) {
        return source.get();
      }
      return RequestContext.current().flatMap(c -> c.get(config.keyAttribute())).orElse(null);
    } catch (Throwable t) {
      return null;
    }
  }

  /** What the strategies decided for one attempt. */
  private static final int SLOW = 1;

  private static final int FAIL = 2;
  private static final int SUBSTITUTE = 4;

  /** Draws the random numbers of one attempt: latency first, then fault, then result. */
  private int decide(Rates r) {
    int d = 0;
    if (r.latencyRate > 0 && random.getAsDouble() < r.latencyRate) {
      d |= SLOW;
    }
    if (r.faultRate > 0 && random.getAsDouble() < r.faultRate) {
      d |= FAIL;
    } else if (r.resultRate > 0 && random.getAsDouble() < r.resultRate) {
      d |= SUBSTITUTE;
    }
    return d;
  }

  private void mark(ChaosKind kind, Object handle, String key) {
    counts[kind.ordinal()].increment();
    EventLog.chaosInjected(name, kind, key);
    if (listener != null) {
      listener.onChaosInjected(name, handle, kind, key);
    }
  }

  /** Builds the injected fault, marked as injected. */
  private Throwable fault() {
    Throwable t = null;
    Supplier<? extends Throwable> supplier = config.fault();
    if (supplier != null) {
      try {
        t = supplier.get();
      } catch (Throwable ignored) {
        // a broken supplier gives the default fault: the rehearsal goes on
      }
    }
    if (t == null) {
      t =
          new ServiceUnavailableException(
              name,
              ChaosConfig.FAULT_MESSAGE_PREFIX
                  + " by policy '"
                  + name
                  + "' (a rehearsal, not an outage)");
    }
    if (!ChaosConfig.isInjected(t)) {
      t.addSuppressed(new InjectedMarker(name));
    }
    return t;
  }

  /** One synchronous call's attempts, in place of the user's function. */
  private final class SyncAttempt implements Callable<Object> {
    private final Object fn;
    private final int shape;
    private final Object handle;
    private final String key;

    SyncAttempt(Object fn, int shape, Object handle, String key) {
      this.fn = fn;
      this.shape = shape;
      this.handle = handle;
      this.key = key;
    }

    @Override
    public Object call() throws Exception {
      Rates r = rates;
      if (!r.enabled) {
        return Invoker.invoke(fn, shape);
      }
      int d = decide(r);
      if ((d & SLOW) != 0) {
        mark(ChaosKind.LATENCY, handle, key);
        // No injected wait outlives the request's deadline: wait what is left, then fail.
        Deadline deadline = RequestContext.currentDeadline();
        long left = deadline == null ? Long.MAX_VALUE : Math.max(0, deadline.remainingNanos());
        try {
          scheduler.sleepNanos(Math.min(left, r.latencyNanos));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw e;
        }
        if (left < r.latencyNanos) {
          throw new DeadlineExceededException(name, Duration.ZERO);
        }
      }
      if ((d & FAIL) != 0) {
        mark(ChaosKind.FAULT, handle, key);
        throw Invoker.sneakyThrow(fault());
      }
      if ((d & SUBSTITUTE) != 0) {
        mark(ChaosKind.RESULT, handle, key);
        return config.result().get();
      }
      return Invoker.invoke(fn, shape);
    }
  }

  /** One asynchronous call's attempts, in place of the user's supplier. */
  private final class AsyncAttempt<T> implements Supplier<CompletionStage<T>> {
    private final Supplier<? extends CompletionStage<? extends T>> supplier;
    private final Object handle;
    private final String key;

    AsyncAttempt(
        Supplier<? extends CompletionStage<? extends T>> supplier, Object handle, String key) {
      this.supplier = supplier;
      this.handle = handle;
      this.key = key;
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletionStage<T> get() {
      Rates r = rates;
      if (!r.enabled) {
        return (CompletionStage<T>) supplier.get();
      }
      int d = decide(r);
      if ((d & SLOW) == 0) {
        return after(d);
      }
      mark(ChaosKind.LATENCY, handle, key);
      CompletableFuture<T> delayed = new CompletableFuture<>();
      ContextSnapshot snapshot = contexts.captureAll();
      Runnable start =
          () -> {
            try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
              CompletionStage<T> stage = after(d);
              if (stage == null) {
                throw new NullPointerException(
                    "the supplier of policy '"
                        + name
                        + "' returned null instead of a CompletionStage");
              }
              stage.whenComplete(
                  (v, e) -> {
                    if (e != null) {
                      delayed.completeExceptionally(AsyncCall.unwrap(e));
                    } else {
                      delayed.complete(v);
                    }
                  });
              delayed.whenComplete(
                  (v, e) -> {
                    if (delayed.isCancelled()) {
                      stage.toCompletableFuture().cancel(true);
                    }
                  });
            } catch (Throwable t) {
              delayed.completeExceptionally(t);
            }
          };
      Future<?> timer =
          scheduler.schedule(
              () -> {
                if (delayed.isDone()) {
                  return;
                }
                try {
                  executor.execute(start);
                } catch (Throwable t) {
                  delayed.completeExceptionally(t);
                }
              },
              r.latencyNanos);
      delayed.whenComplete(
          (v, e) -> {
            if (delayed.isCancelled()) {
              timer.cancel(false);
            }
          });
      return delayed;
    }

    @SuppressWarnings("unchecked")
    private CompletionStage<T> after(int d) {
      if ((d & FAIL) != 0) {
        mark(ChaosKind.FAULT, handle, key);
        return CompletableFuture.failedFuture(fault());
      }
      if ((d & SUBSTITUTE) != 0) {
        mark(ChaosKind.RESULT, handle, key);
        return CompletableFuture.completedFuture((T) config.result().get());
      }
      return (CompletionStage<T>) supplier.get();
    }
  }

  /**
   * The mark every injected exception carries as a suppressed exception: it says in any stack trace
   * or log that the failure was a rehearsal. Without a stack trace.
   *
   * <p>Internal: may change at any time.
   */
  public static final class InjectedMarker extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedMarker(String policy) {
      super(
          "injected by the chaos strategies of policy '" + policy + "': a rehearsal, not an outage",
          null,
          false,
          false);
    }
  }
}
