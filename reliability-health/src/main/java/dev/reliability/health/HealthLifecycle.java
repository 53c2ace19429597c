package dev.reliability.health;

import dev.reliability.core.internal.DurationText;
import dev.reliability.core.time.TimeSource;
import dev.reliability.health.internal.Waits;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Startup and graceful shutdown as the probes see them.
 *
 * <ul>
 *   <li>Until {@link #markStartupComplete()}, the startup probe and readiness report unhealthy
 *       ({@code "startup not complete"}). Kubernetes holds liveness and readiness probes back until
 *       the startup probe passes, so a slow start is not mistaken for a hang.
 *   <li>{@link #beginShutdown()} turns readiness unhealthy ({@code "shutting down"}) at once, so
 *       load balancers and Kubernetes endpoints stop sending new requests, while the application
 *       keeps serving those already on their way. {@link #awaitDrained()} then waits for the drain
 *       time ({@code reliability.health.shutdown-drain-time}, default 30s) measured from the start
 *       of the shutdown, after which the application may stop its server. {@link #drain()} does
 *       both.
 * </ul>
 *
 * <pre>{@code
 * Runtime.getRuntime().addShutdownHook(new Thread(() -> {
 *   registry.lifecycle().drain();   // readiness fails, then wait for the drain time
 *   server.stop(0);
 * }));
 * }</pre>
 *
 * <p>Keep Kubernetes' {@code terminationGracePeriodSeconds} longer than the drain time plus the
 * time the application needs to stop. Times come from the registry's {@link TimeSource}, so tests
 * advance a manual clock instead of waiting. Thread-safe.
 */
public final class HealthLifecycle {

  /** The phases of the application's life, as the probes report them. */
  public enum Phase {
    /** Starting: the startup probe and readiness fail. */
    STARTING,
    /** Started and serving. */
    RUNNING,
    /** Shutting down: readiness fails while requests drain. */
    DRAINING
  }

  private static final long NOT_DRAINING = Long.MIN_VALUE;

  private final TimeSource time;
  private final Duration drainTime;
  private final Runnable onChange;
  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.STARTING);
  private final AtomicLong drainStartNanos = new AtomicLong(NOT_DRAINING);
  private volatile boolean startupComplete;

  HealthLifecycle(TimeSource time, Duration drainTime, Runnable onChange) {
    this.time = time;
    this.drainTime = drainTime;
    this.onChange = onChange;
  }

  /**
   * Marks startup complete: the startup probe reports its checks from now on, and readiness too
   * unless a shutdown has begun. Idempotent.
   */
  public void markStartupComplete() {
    startupComplete = true;
    if (phase.compareAndSet(Phase.STARTING, Phase.RUNNING)) {
      onChange.run();
    }
  }

  /**
   * Returns whether startup has been marked complete.
   *
   * @return true after {@link #markStartupComplete()}
   */
  public boolean isStartupComplete() {
    return startupComplete;
  }

  /**
   * Begins a graceful shutdown: readiness reports unhealthy from now on. Idempotent; the drain time
   * counts from the first call.
   */
  public void beginShutdown() {
    if (drainStartNanos.compareAndSet(NOT_DRAINING, time.nanoTime())) {
      phase.set(Phase.DRAINING);
      onChange.run();
    }
  }

  /**
   * Returns whether a graceful shutdown has begun.
   *
   * @return true after {@link #beginShutdown()}
   */
  public boolean isShuttingDown() {
    return drainStartNanos.get() != NOT_DRAINING;
  }

  /**
   * Returns the current phase.
   *
   * @return the phase
   */
  public Phase phase() {
    return phase.get();
  }

  /**
   * Returns the drain time in force.
   *
   * @return the drain time
   */
  public Duration drainTime() {
    return drainTime;
  }

  /**
   * Waits until the drain time has passed since {@link #beginShutdown()}, beginning the shutdown
   * first if nobody has. Returns at once when it has already passed.
   *
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public void awaitDrained() throws InterruptedException {
    beginShutdown();
    long deadline = drainStartNanos.get() + drainTime.toNanos();
    Waits.sleepUntil(time, deadline);
  }

  /**
   * Begins a graceful shutdown and waits for the drain time: readiness fails at once, and this
   * method returns when the application may stop. An interrupt ends the wait early and keeps the
   * thread's interrupt flag set.
   */
  public void drain() {
    try {
      awaitDrained();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "HealthLifecycle[" + phase.get() + ", drain " + DurationText.format(drainTime) + "]";
  }
}
