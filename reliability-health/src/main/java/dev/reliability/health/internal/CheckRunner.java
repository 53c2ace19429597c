package dev.reliability.health.internal;

import dev.reliability.core.internal.DurationText;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistration;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.HealthStatusChange;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs one registered check: result caching, one run in flight at a time, timeouts, flap damping
 * and, for background checks, the schedule and the staleness of the last result. Everything a run
 * needs from its registry comes from the {@link RunContext}.
 */
final class CheckRunner {

  private static final long NONE = Long.MIN_VALUE;

  final RunContext context;
  // Re-announces the groups of a check whose announced status changed; called under eventLock.
  private final Consumer<CheckRunner> statusChanged;
  final HealthCheckRegistration registration;
  final String name;
  final HealthCheck check;
  final boolean critical;
  final boolean background;
  final boolean live;
  final long timeoutNanos;
  final long ttlNanos;
  final long intervalNanos;
  final long unknownAfterNanos;
  final long unhealthyAfterNanos;
  final long minTimeInErrorNanos;
  final int failureThreshold;
  final int successThreshold;
  final double jitter;
  final HealthCheckResult notRunYet;

  // At most one run of this check is in flight, an abandoned one included: the slot leaves null
  // only by compareAndSet(null, run), and is cleared only by that run itself (compareAndSet(run,
  // null)) once its check has returned or could not be started, so no second run starts while a
  // hung one still holds it. A run records its result before it clears the slot, and a probe that
  // wins the slot looks for a fresh result once more before it runs the check, so probes within
  // one cache TTL run the check once however they interleave (SingleFlightModelCheckTest).
  final AtomicReference<Execution> inFlight = new AtomicReference<>();
  private final AtomicLong lastSkipNanos = new AtomicLong(NONE);
  private volatile Snapshot snapshot;
  volatile long nextDueNanos;
  volatile boolean removed;

  // Guarded by context.eventLock.
  private int failures;
  private int successes;
  private long failingSinceNanos = NONE;
  HealthStatus announced = HealthStatus.UNKNOWN;

  CheckRunner(
      RunContext context,
      Consumer<CheckRunner> statusChanged,
      HealthCheckRegistration registration,
      long nowNanos) {
    this.context = context;
    this.statusChanged = statusChanged;
    this.registration = registration;
    this.name = registration.name();
    this.check = registration.check();
    HealthCheckConfig c = registration.config();
    this.critical = c.critical();
    this.background = c.background();
    this.live = !background && check.live();
    this.timeoutNanos = c.timeout().toNanos();
    this.ttlNanos = c.cacheTtl().toNanos();
    this.intervalNanos = c.interval().toNanos();
    this.unknownAfterNanos = c.unknownAfter().toNanos();
    this.unhealthyAfterNanos = c.unhealthyAfter().toNanos();
    this.minTimeInErrorNanos = c.minTimeInError().toNanos();
    this.failureThreshold = c.failureThreshold();
    this.successThreshold = c.successThreshold();
    this.jitter = c.jitter();
    this.nextDueNanos = nowNanos;
    this.notRunYet = HealthCheckResult.unknown("not run yet");
  }

  /**
   * Returns the result a probe may use without running the check: a fresh cached result of an
   * on-demand check, or the last result of a background check as its age allows. Allocates nothing
   * unless a background result has just become stale.
   *
   * @return the result, or null if an on-demand or live check must run
   */
  HealthCheckResult current(long now) {
    Snapshot s = snapshot;
    if (live) {
      return null;
    }
    if (background) {
      return s == null ? notRunYet : s.view(now, this);
    }
    if (s != null && now - s.recordedNanos < ttlNanos) {
      return s.result;
    }
    return null;
  }

  /** The last recorded result, whatever its age; null before the first run. */
  HealthCheckResult last() {
    Snapshot s = snapshot;
    return s == null ? null : s.result;
  }

  /**
   * Joins the run in flight or starts one.
   *
   * @return the {@link Execution} to wait for, or a result: the fresh one a run recorded since the
   *     caller looked, or the last one when no run can start because an abandoned run is still in
   *     flight
   */
  Object runOrJoin(long now) {
    while (true) {
      Execution e = inFlight.get();
      if (e != null) {
        return e.isAbandoned() ? skipped(now, e) : e;
      }
      // A run records its result before it leaves the slot, so a run that ended after the caller
      // found no fresh result has left one now: answer with it instead of running the check again.
      HealthCheckResult recorded = current(now);
      if (recorded != null) {
        return recorded;
      }
      Execution fresh = new Execution(this, now);
      if (inFlight.compareAndSet(null, fresh)) {
        // The slot may have been empty again because a whole run started, recorded and left it
        // between the reads above and this compareAndSet. That run recorded before it left, and
        // the slot is ours now, so one more look finds its result: the check does not run twice.
        HealthCheckResult since = current(now);
        if (since != null) {
          fresh.settleUnrun(since);
          return since;
        }
        submit(fresh);
        return fresh;
      }
    }
  }

  /**
   * Runs a live check on the calling thread and records its result: no cache, no executor, no
   * permit, because it only reads memory. Never throws.
   *
   * @return the result as reported
   */
  HealthCheckResult runLive() {
    long begin = context.time.nanoTime();
    HealthCheckResult raw;
    try {
      raw = check.check();
      if (raw == null) {
        raw = HealthCheckResult.unhealthy("check returned no result");
      }
    } catch (Throwable t) {
      raw = HealthCheckResult.unhealthy(t);
    }
    long end = context.time.nanoTime();
    HealthCheckResult stamped = stamp(raw, end - begin);
    try {
      return record(stamped, end);
    } catch (Throwable t) {
      return stamped;
    }
  }

  /** Starts a background run if none is in flight; called by the scheduler when one is due. */
  void runInBackground(long now) {
    nextDueNanos = now + nextIntervalNanos();
    Execution e = inFlight.get();
    if (e == null) {
      Execution fresh = new Execution(this, now);
      if (inFlight.compareAndSet(null, fresh)) {
        submit(fresh);
      }
    } else if (e.isAbandoned()) {
      skipped(now, e);
    }
  }

  private void submit(Execution e) {
    try {
      context.executor.execute(e);
    } catch (RejectedExecutionException rejected) {
      e.reject("health-check registry " + context.registryName + " is closed");
    } catch (Throwable t) {
      // Such as an OutOfMemoryError when no thread can be started: settle the run, so that it
      // leaves the in-flight slot and the next due run can try again.
      e.reject("the check could not be started: " + t);
    }
  }

  private long nextIntervalNanos() {
    return jitter == 0.0
        ? intervalNanos
        : jittered(intervalNanos, jitter, ThreadLocalRandom.current().nextDouble());
  }

  /**
   * Spreads an interval evenly over {@code [interval * (1 - jitter), interval * (1 + jitter)]}.
   *
   * @param u a uniform random number in {@code [0, 1)}
   */
  static long jittered(long intervalNanos, double jitter, double u) {
    double spread = jitter * (2 * u - 1);
    return Math.max(1, Math.round(intervalNanos * (1 + spread)));
  }

  /** Records that a due run was skipped because an abandoned one is still in flight. */
  private HealthCheckResult skipped(long now, Execution hung) {
    // Records at most one skip per cache TTL: of the callers that read the same last skip, only the
    // one whose compareAndSet wins records; the others answer with the last result.
    long last = lastSkipNanos.get();
    Snapshot s = snapshot;
    boolean recent = last != NONE && now - last < Math.max(ttlNanos, 1);
    if (recent || !lastSkipNanos.compareAndSet(last, now)) {
      return s != null ? s.result : timedOut(now);
    }
    Duration runningFor = Duration.ofNanos(now - hung.submittedNanos);
    HealthCheckResult result =
        HealthCheckResult.builder(HealthStatus.UNHEALTHY)
            .message(
                "timed out after "
                    + DurationText.format(registration.config().timeout())
                    + " and still running after "
                    + DurationText.format(truncateToMillis(runningFor))
                    + "; no new run starts until it returns")
            .detail("timed_out", true)
            .detail("timeout_ms", registration.config().timeout().toMillis())
            .detail("running_for_ms", runningFor.toMillis())
            .checkedAt(context.time.now())
            .build();
    context.listeners.onRunSkipped(name, runningFor);
    return record(result, now);
  }

  HealthCheckResult timedOut(long now) {
    Duration timeout = registration.config().timeout();
    return HealthCheckResult.builder(HealthStatus.UNHEALTHY)
        .message("timed out after " + DurationText.format(timeout))
        .detail("timed_out", true)
        .detail("timeout_ms", timeout.toMillis())
        .duration(timeout)
        .checkedAt(context.time.now())
        .build();
  }

  HealthCheckResult stamp(HealthCheckResult raw, long durationNanos) {
    return raw.toBuilder()
        .duration(Duration.ofNanos(Math.max(0, durationNanos)))
        .checkedAt(context.time.now())
        .build();
  }

  /**
   * Sanitises, damps and stores a result, and tells the listeners.
   *
   * @return the result as reported
   */
  HealthCheckResult record(HealthCheckResult raw, long now) {
    HealthCheckResult sanitised = context.sanitise(raw);
    context.eventLock.lock();
    try {
      HealthCheckResult reported = damp(sanitised, now);
      snapshot = new Snapshot(reported, now);
      context.listeners.onCheckCompleted(name, reported);
      announce(reported);
      return reported;
    } finally {
      context.eventLock.unlock();
    }
  }

  /** Re-evaluates a background result's age and announces a change; called by the scheduler. */
  void refreshStaleness(long now) {
    if (!background || snapshot == null) {
      return;
    }
    HealthCheckResult view = current(now);
    if (view.status() == announced) {
      return;
    }
    context.eventLock.lock();
    try {
      announce(view);
    } finally {
      context.eventLock.unlock();
    }
  }

  // Guarded by context.eventLock.
  private void announce(HealthCheckResult result) {
    if (result.status() == announced || removed) {
      return;
    }
    HealthStatus previous = announced;
    announced = result.status();
    context.listeners.onStatusChanged(
        new HealthStatusChange(
            name,
            HealthStatusChange.SubjectType.CHECK,
            previous,
            announced,
            result.message(),
            result.details(),
            context.time.now()));
    statusChanged.accept(this);
  }

  // Guarded by context.eventLock.
  private HealthCheckResult damp(HealthCheckResult raw, long now) {
    boolean failing = raw.status() != HealthStatus.HEALTHY;
    if (failing) {
      failures++;
      successes = 0;
      if (failingSinceNanos == NONE) {
        failingSinceNanos = now;
      }
    } else {
      successes++;
      failures = 0;
      failingSinceNanos = NONE;
    }
    Snapshot s = snapshot;
    if (s == null) {
      return raw;
    }
    HealthStatus held = s.result.status();
    boolean wasFailing = held != HealthStatus.HEALTHY;
    if (!wasFailing && failing) {
      long failingFor = now - failingSinceNanos;
      if (failures < failureThreshold || failingFor < minTimeInErrorNanos) {
        return hold(
            held,
            raw,
            "failing run "
                + failures
                + " of "
                + failureThreshold
                + " tolerated"
                + (minTimeInErrorNanos > 0
                    ? " (failing for "
                        + DurationText.format(truncateToMillis(Duration.ofNanos(failingFor)))
                        + " of "
                        + DurationText.format(registration.config().minTimeInError())
                        + ")"
                    : ""));
      }
    } else if (wasFailing && !failing && successes < successThreshold) {
      return hold(
          held,
          raw,
          "recovering: healthy run " + successes + " of " + successThreshold + " needed");
    }
    return raw;
  }

  private static HealthCheckResult hold(HealthStatus held, HealthCheckResult raw, String note) {
    HealthCheckResult.Builder b =
        HealthCheckResult.builder(held)
            .message(note + (raw.message().isEmpty() ? "" : "; last run: " + raw.message()))
            .details(raw.details())
            .detail("raw_status", raw.status().label())
            .detail("flap_damping", note)
            .duration(raw.duration());
    raw.checkedAt().ifPresent(b::checkedAt);
    raw.measurement().ifPresent(m -> b.measurement(m.name(), m.value(), m.unit()));
    return b.build();
  }

  private static Duration truncateToMillis(Duration d) {
    return Duration.ofMillis(d.toMillis());
  }

  /** A recorded result and the time it was recorded, with its stale views made once. */
  static final class Snapshot {
    final HealthCheckResult result;
    final long recordedNanos;
    private volatile HealthCheckResult unknownView;
    private volatile HealthCheckResult unhealthyView;

    Snapshot(HealthCheckResult result, long recordedNanos) {
      this.result = result;
      this.recordedNanos = recordedNanos;
    }

    HealthCheckResult view(long now, CheckRunner runner) {
      long age = now - recordedNanos;
      if (age < runner.unknownAfterNanos) {
        return result;
      }
      if (age < runner.unhealthyAfterNanos) {
        HealthCheckResult v = unknownView;
        if (v == null) {
          v = stale(HealthStatus.UNKNOWN, runner, runner.registration.config().unknownAfter());
          unknownView = v;
        }
        return v;
      }
      HealthCheckResult v = unhealthyView;
      if (v == null) {
        v = stale(HealthStatus.UNHEALTHY, runner, runner.registration.config().unhealthyAfter());
        unhealthyView = v;
      }
      return v;
    }

    private HealthCheckResult stale(HealthStatus status, CheckRunner runner, Duration bound) {
      HealthCheckResult.Builder b =
          HealthCheckResult.builder(status)
              .message(
                  "last result is older than "
                      + DurationText.format(bound)
                      + " (background runs are not completing)")
              .detail("stale", true)
              .detail("last_status", result.status().label())
              .duration(result.duration());
      result.checkedAt().ifPresent(t -> b.detail("last_checked_at", t.toString()));
      if (!result.message().isEmpty()) {
        b.detail("last_message", result.message());
      }
      return b.build();
    }
  }
}
