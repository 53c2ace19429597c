package dev.reliability.health.internal;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.health.ComponentHealth;
import dev.reliability.health.HealthCheckRegistration;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.HealthLifecycle;
import dev.reliability.health.HealthReport;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.HealthStatusChange;
import dev.reliability.health.ResourceUsage;
import dev.reliability.health.spi.ServicePerformance;
import dev.reliability.health.spi.ServicePerformanceSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates a registry's checks: holds them by name and by group, answers probes by running or
 * joining the checks that have no fresh result (live checks on the probe's thread, the others on
 * the executor within the probe timeout), aggregates their results into a {@link HealthReport},
 * reuses a group's report while nothing it was built from changed, and announces status changes of
 * groups. {@link HealthCheckRegistry} validates and configures what comes in, owns the threads and
 * the lifecycle, and delegates the rest here.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class HealthEvaluator {

  // The registry's logger, so users' logging configuration keeps working.
  private static final Logger LOG = LoggerFactory.getLogger(HealthCheckRegistry.class);

  private final RunContext context;
  private final HealthLifecycle lifecycle;
  private final ReportFactory reports;
  private final Duration probeTimeout;
  private final long probeTimeoutNanos;
  private final ServicePerformanceSource performanceSource;
  private final Supplier<ResourceUsage> resourceSource;
  private final Consumer<CheckRunner> statusChanged = this::checkStatusChanged;

  // Guards changes of the table below, and closed.
  private final ReentrantLock registrationLock = new ReentrantLock();
  private final Map<String, CheckRunner> runners =
      Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<String, GroupState> groups = new ConcurrentHashMap<>();
  final GroupState all = new GroupState(HealthCheckRegistry.ALL);
  private final AtomicInteger version = new AtomicInteger();
  volatile boolean closed;

  /**
   * Creates the evaluator of one registry, with the three probe groups and no checks.
   *
   * @param context what the runs share
   * @param probeTimeout the longest a probe waits for its checks
   * @param lifecycle the registry's lifecycle, which decides readiness and startup on top of the
   *     checks
   * @param reports makes the reports
   * @param performanceSource the detailed view's performance section, or null
   * @param resourceSource the detailed view's resource section, or null
   */
  public HealthEvaluator(
      RunContext context,
      Duration probeTimeout,
      HealthLifecycle lifecycle,
      ReportFactory reports,
      ServicePerformanceSource performanceSource,
      Supplier<ResourceUsage> resourceSource) {
    this.context = context;
    this.probeTimeout = probeTimeout;
    this.probeTimeoutNanos = probeTimeout.toNanos();
    this.lifecycle = lifecycle;
    this.reports = reports;
    this.performanceSource = performanceSource;
    this.resourceSource = resourceSource;
    for (String g : List.of(HealthGroups.LIVENESS, HealthGroups.READINESS, HealthGroups.STARTUP)) {
      groups.put(g, new GroupState(g));
    }
  }

  // ---- the table of checks
  // -----------------------------------------------------------------------

  /**
   * Adds a check to the table and to its groups.
   *
   * @param registration the validated registration
   * @throws IllegalStateException if the registry is closed
   * @throws IllegalArgumentException if the name is taken
   */
  public void add(HealthCheckRegistration registration) {
    String name = registration.name();
    registrationLock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("registry " + context.registryName + " is closed");
      }
      Checks.check(
          !runners.containsKey(name), "check name", "unique in the registry", "\"" + name + "\"");
      CheckRunner runner =
          new CheckRunner(context, statusChanged, registration, context.time.nanoTime());
      runners.put(name, runner);
      all.add(runner);
      for (String g : registration.groups()) {
        groups.computeIfAbsent(g, GroupState::new).add(runner);
      }
      version.incrementAndGet();
    } finally {
      registrationLock.unlock();
    }
  }

  /**
   * Removes a check from the table and its groups, then announces the groups it changed. A run in
   * flight finishes but its result is no longer reported.
   *
   * @param name the check's name
   * @return true if the check was there
   */
  public boolean remove(String name) {
    CheckRunner runner;
    registrationLock.lock();
    try {
      runner = runners.remove(name);
      if (runner == null) {
        return false;
      }
      runner.removed = true;
      all.remove(runner);
      for (GroupState g : groups.values()) {
        g.remove(runner);
      }
      version.incrementAndGet();
    } finally {
      registrationLock.unlock();
    }
    // Outside the registration lock: a listener may register a check while it hears the change.
    context.eventLock.lock();
    try {
      checkStatusChanged(runner);
    } finally {
      context.eventLock.unlock();
    }
    return true;
  }

  /** Refuses further checks; runs and probes go on. Idempotent. */
  public void close() {
    registrationLock.lock();
    try {
      closed = true;
    } finally {
      registrationLock.unlock();
    }
  }

  /**
   * Returns one registration.
   *
   * @param name the check's name
   * @return the registration, or null if no check has that name
   */
  public HealthCheckRegistration registration(String name) {
    CheckRunner r = runners.get(name);
    return r == null ? null : r.registration;
  }

  /**
   * Returns every registration, in registration order.
   *
   * @return an immutable list
   */
  public List<HealthCheckRegistration> registrations() {
    List<HealthCheckRegistration> list = new ArrayList<>();
    for (CheckRunner r : all.members) {
      list.add(r.registration);
    }
    return List.copyOf(list);
  }

  /**
   * Returns the last recorded result of a check, whatever its age.
   *
   * @param name the check's name
   * @return the result, or null if the check is unknown or has not run yet
   */
  public HealthCheckResult lastResult(String name) {
    CheckRunner r = runners.get(name);
    return r == null ? null : r.last();
  }

  /**
   * Returns the names of the groups that exist: the three probes and every custom group a check
   * joined.
   *
   * @return a live view
   */
  public Set<String> groupNames() {
    return groups.keySet();
  }

  /**
   * Returns the names of the checks, for messages.
   *
   * @return a copy, in registration order
   */
  public List<String> checkNames() {
    synchronized (runners) {
      return List.copyOf(runners.keySet());
    }
  }

  // ---- evaluation
  // --------------------------------------------------------------------------------

  /**
   * Answers the probe of one group, waiting at most the probe timeout.
   *
   * @param group the group's name; {@link HealthCheckRegistry#ALL} for every check
   * @return the report, or null if no such group exists
   */
  public HealthReport report(String group) {
    GroupState g = group.equals(HealthCheckRegistry.ALL) ? all : groups.get(group);
    return g == null ? null : evaluate(g, false);
  }

  /**
   * Answers with every check, the resource sample and the service performance.
   *
   * @return the report
   */
  public HealthReport fullReport() {
    return evaluate(all, true);
  }

  private HealthReport evaluate(GroupState g, boolean full) {
    long start = context.time.nanoTime();
    CheckRunner[] members = g.members;
    HealthLifecycle.Phase phase = lifecycle.phase();
    int v = version.get();
    if (!full) {
      GroupState.Cached cached = g.cached;
      if (cached != null
          && cached.phase() == phase
          && cached.version() == v
          && sameFreshResults(members, cached.basis(), start)) {
        return cached.report();
      }
    }
    HealthCheckResult[] results = new HealthCheckResult[members.length];
    Execution[] pending = null;
    for (int i = 0; i < members.length; i++) {
      if (members[i].live) {
        results[i] = members[i].runLive();
        continue;
      }
      HealthCheckResult r = members[i].current(start);
      if (r != null) {
        results[i] = r;
        continue;
      }
      Object o = members[i].runOrJoin(start);
      if (o instanceof HealthCheckResult direct) {
        results[i] = direct;
      } else {
        if (pending == null) {
          pending = new Execution[members.length];
        }
        pending[i] = (Execution) o;
      }
    }
    if (pending != null) {
      await(pending, results, start + probeTimeoutNanos);
    }
    HealthReport report = assemble(g, members, results, start, full);
    if (!full) {
      g.cached = new GroupState.Cached(report, results, phase, v);
    }
    return report;
  }

  private static boolean sameFreshResults(
      CheckRunner[] members, HealthCheckResult[] basis, long now) {
    if (basis.length != members.length) {
      return false;
    }
    for (int i = 0; i < members.length; i++) {
      if (members[i].current(now) != basis[i]) {
        return false;
      }
    }
    return true;
  }

  private void await(Execution[] pending, HealthCheckResult[] results, long deadline) {
    boolean interrupted = false;
    for (int i = 0; i < pending.length; i++) {
      Execution e = pending[i];
      if (e == null) {
        continue;
      }
      while (!interrupted && !e.future.isDone()) {
        long now = context.time.nanoTime();
        if (e.timeOutIfDue(now) || e.future.isDone()) {
          break;
        }
        if (now - deadline >= 0) {
          break;
        }
        long until = Math.min(deadline, e.deadlineNanos) - now;
        if (until <= 0) {
          continue;
        }
        try {
          Waits.awaitSlice(e.future, context.time, until);
        } catch (InterruptedException ie) {
          interrupted = true;
        }
      }
      HealthCheckResult r = e.future.getNow(null);
      results[i] = r != null ? r : unfinished(e, interrupted);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private HealthCheckResult unfinished(Execution e, boolean interrupted) {
    long runningFor = context.time.nanoTime() - e.submittedNanos;
    return HealthCheckResult.builder(HealthStatus.UNHEALTHY)
        .message(
            interrupted
                ? "probe was interrupted while the check was running"
                : "did not finish within the probe timeout of "
                    + DurationText.format(probeTimeout)
                    + " (still running)")
        .detail("timed_out", true)
        .detail("probe_timeout_ms", probeTimeout.toMillis())
        .duration(Duration.ofNanos(Math.max(0, runningFor)))
        .checkedAt(context.time.now())
        .build();
  }

  private HealthReport assemble(
      GroupState g, CheckRunner[] members, HealthCheckResult[] results, long start, boolean full) {
    List<ComponentHealth> checks = new ArrayList<>(members.length);
    HealthStatus status = HealthStatus.HEALTHY;
    for (int i = 0; i < members.length; i++) {
      CheckRunner r = members[i];
      ComponentHealth c =
          new ComponentHealth(
              r.name, results[i], r.critical, r.registration.kind(), r.registration.groups());
      status = status.worst(c.contribution());
      checks.add(c);
    }
    String message = lifecycleMessage(g.name);
    if (!message.isEmpty()) {
      status = HealthStatus.UNHEALTHY;
    }
    ResourceUsage resources = null;
    ServicePerformance performance = null;
    if (full) {
      resources = sampleResources();
      performance = samplePerformance();
    }
    Instant now = context.time.now();
    return reports.create(
        g.name,
        status,
        message,
        checks,
        now,
        Duration.ofNanos(Math.max(0, context.time.nanoTime() - start)),
        resources,
        performance);
  }

  private String lifecycleMessage(String group) {
    if (group.equals(HealthGroups.READINESS) || group.equals(HealthCheckRegistry.ALL)) {
      switch (lifecycle.phase()) {
        case STARTING:
          return "startup not complete";
        case DRAINING:
          return "shutting down (drain time " + DurationText.format(lifecycle.drainTime()) + ")";
        default:
          return "";
      }
    }
    if (group.equals(HealthGroups.STARTUP) && !lifecycle.isStartupComplete()) {
      return "startup not complete";
    }
    return "";
  }

  private ResourceUsage sampleResources() {
    if (resourceSource == null) {
      return null;
    }
    try {
      return resourceSource.get();
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("Sampling resources failed", e);
      return null;
    }
  }

  private ServicePerformance samplePerformance() {
    if (performanceSource == null) {
      return null;
    }
    try {
      return performanceSource.snapshot();
    } catch (RuntimeException e) {
      LOG.debug("Reading service performance failed", e);
      return null;
    }
  }

  // ---- events
  // ------------------------------------------------------------------------------------

  // Guarded by context.eventLock.
  private void checkStatusChanged(CheckRunner runner) {
    announceGroup(all);
    for (GroupState g : groups.values()) {
      if (runner.removed || g.contains(runner) || runner.registration.groups().contains(g.name)) {
        announceGroup(g);
      }
    }
  }

  /** Announces the groups the lifecycle decides: call after each lifecycle change. */
  public void lifecycleChanged() {
    context.eventLock.lock();
    try {
      announceGroup(groups.get(HealthGroups.READINESS));
      announceGroup(groups.get(HealthGroups.STARTUP));
      announceGroup(all);
    } finally {
      context.eventLock.unlock();
    }
  }

  // Guarded by context.eventLock.
  private void announceGroup(GroupState g) {
    HealthStatus status = HealthStatus.HEALTHY;
    StringBuilder failing = new StringBuilder();
    for (CheckRunner r : g.members) {
      HealthStatus s = r.announced;
      HealthStatus contribution =
          r.critical || s == HealthStatus.HEALTHY ? s : HealthStatus.DEGRADED;
      status = status.worst(contribution);
      if (s != HealthStatus.HEALTHY) {
        failing
            .append(failing.length() == 0 ? "" : ", ")
            .append(r.name)
            .append(' ')
            .append(s.label());
      }
    }
    String message = lifecycleMessage(g.name);
    if (!message.isEmpty()) {
      status = HealthStatus.UNHEALTHY;
    } else {
      message = failing.toString();
    }
    if (status == g.announced) {
      return;
    }
    HealthStatus previous = g.announced;
    g.announced = status;
    context.listeners.onStatusChanged(
        new HealthStatusChange(
            g.name,
            HealthStatusChange.SubjectType.GROUP,
            previous,
            status,
            message,
            Map.of(),
            context.time.now()));
  }
}
