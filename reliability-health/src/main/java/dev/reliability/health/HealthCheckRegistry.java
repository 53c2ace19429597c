package dev.reliability.health;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.PolicyScheduler;
import dev.reliability.core.redaction.Redactor;
import dev.reliability.core.time.TimeSource;
import dev.reliability.health.internal.BackgroundTicks;
import dev.reliability.health.internal.GuardedListeners;
import dev.reliability.health.internal.HealthEvaluator;
import dev.reliability.health.internal.NamedThreads;
import dev.reliability.health.internal.RunContext;
import dev.reliability.health.internal.SystemResources;
import dev.reliability.health.spi.ServicePerformanceSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Holds health checks by name, runs them, and answers probes with aggregated {@link HealthReport}s.
 *
 * <pre>{@code
 * try (HealthCheckRegistry registry = HealthCheckRegistry.builder().build()) {
 *   registry.register("database", JdbcHealthCheck.of(dataSource));
 *   registry.register("deadlocks", ThreadHealthCheck.ofDefaults(),
 *       HealthCheckConfig.builder().groups(HealthGroups.LIVENESS).build());
 *   registry.lifecycle().markStartupComplete();
 *   HealthReport ready = registry.readiness();
 * }
 * }</pre>
 *
 * <p><b>Execution.</b> {@linkplain HealthCheck#live() Live} checks, which only read memory (the
 * built-in breaker, connection-registry and leak-detector checks), run on the probe's own thread on
 * every probe and are never cached, so a probe always shows their current state. A probe runs the
 * other checks of its group that have no fresh result, in parallel on the registry's check threads,
 * at most {@code max-concurrency} (default 8) at a time. Each run has its check's timeout; the
 * probe as a whole waits at most {@code probe-timeout} (default 5s) and then answers with what it
 * has, reporting unfinished checks as unhealthy, so a hanging check never makes the endpoint slower
 * than that. Concurrent probes share the run in flight, and results are reused for the check's
 * cache TTL (default 1s): 500 concurrent probe requests cost one run per check. A run that exceeds
 * its timeout is abandoned even if the check ignores interruption; no second run of that check
 * starts until the abandoned one returns, so hung checks cannot pile up threads. Background checks
 * run on the registry's scheduler instead and probes only read their last result, which turns
 * unknown and then unhealthy when it gets too old.
 *
 * <p><b>Results</b> are sanitised with the registry's {@link Redactor} before anyone sees them, and
 * flap damping applies per check (see {@link HealthCheckConfig}). {@link HealthListener}s hear
 * every run and every status change of a check or a group.
 *
 * <p><b>Time</b> comes from the {@link TimeSource} given to the builder; with a {@code
 * ManualTimeSource}, timeouts, cache expiry, staleness, damping and the shutdown drain all follow
 * the manual clock. Background scheduling and timeout enforcement without a waiting probe happen on
 * one scheduler thread that looks at the clock every 100 ms.
 *
 * <p><b>The scheduler survives anything.</b> Whatever its tick throws, an {@link Error} included (a
 * listener's {@link StackOverflowError}, an {@link OutOfMemoryError} while starting a check
 * thread), is caught per check, counted ({@link #tickFailures()}) and logged, and the next tick is
 * scheduled as usual. A {@link VirtualMachineError} is not rethrown: on the scheduler thread it
 * would reach no one and would only stop background checks and timeouts for good, while the JVM's
 * own reactions to an {@link OutOfMemoryError} ({@code -XX:+ExitOnOutOfMemoryError}, heap dumps)
 * happen where it is thrown, before any catch.
 *
 * <p>Thread-safe. Owns a scheduler thread and the check threads (all daemon threads named {@code
 * reliability-health-<name>-...}); {@link #close()} stops them.
 */
public final class HealthCheckRegistry implements AutoCloseable {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

  /** The name of the pseudo-group holding every check, used by {@link #fullReport()}. */
  public static final String ALL = "all";

  /** The prefix of the registry's settings. */
  public static final String CONFIG_PREFIX = HealthSettings.PREFIX;

  /** The settings a registry reads. */
  public static final List<Setting<?>> SETTINGS = HealthSettings.REGISTRY_SETTINGS;

  private final String name;
  private final ConfigSource configSource;
  private final Duration probeTimeout;
  private final int maxConcurrency;
  private final GuardedListeners listeners;
  private final HealthLifecycle lifecycle;
  private final ExecutorService executor;
  private final ScheduledThreadPoolExecutor ownScheduler;
  private final HealthEvaluator evaluator;
  private final BackgroundTicks ticks;

  private HealthCheckRegistry(Builder b) {
    this.name = b.name;
    this.configSource = b.configSource;
    ConfigBinder config = ConfigBinder.of(b.configSource, HealthSettings.PREFIX);
    this.probeTimeout = config.get(HealthSettings.PROBE_TIMEOUT, b.probeTimeout);
    this.maxConcurrency = config.get(HealthSettings.MAX_CONCURRENCY, b.maxConcurrency);
    Duration drainTime = config.get(HealthSettings.SHUTDOWN_DRAIN_TIME, b.drainTime);
    config.throwIfInvalid();
    this.listeners = new GuardedListeners(b.listeners);
    this.lifecycle = new HealthLifecycle(b.time, drainTime, this::lifecycleChanged);
    this.executor =
        b.executor != null
            ? b.executor
            : new ThreadPoolExecutor(
                0,
                Integer.MAX_VALUE,
                30,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                new NamedThreads("reliability-health-" + name + "-check"));
    PolicyScheduler scheduler;
    if (b.scheduler != null) {
      this.ownScheduler = null;
      scheduler = b.scheduler;
    } else {
      ScheduledThreadPoolExecutor s =
          new ScheduledThreadPoolExecutor(
              1, new NamedThreads("reliability-health-" + name + "-scheduler"));
      s.setRemoveOnCancelPolicy(true);
      this.ownScheduler = s;
      scheduler = PolicyScheduler.of(s);
    }
    RunContext context =
        new RunContext(name, b.time, listeners, b.redactor, maxConcurrency, executor);
    this.evaluator =
        new HealthEvaluator(
            context,
            probeTimeout,
            lifecycle,
            HealthReport::new,
            b.performanceSource,
            b.resourceSource);
    this.ticks = new BackgroundTicks(evaluator, context, scheduler, b.tick);
    ticks.start();
  }

  /**
   * Returns a registry with every setting from configuration or its default.
   *
   * @return a new registry; close it when done
   * @throws ConfigurationException if configuration holds an invalid health setting
   */
  public static HealthCheckRegistry ofDefaults() {
    return builder().build();
  }

  /**
   * Starts a registry.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers a check with the default configuration: readiness, critical, settings from
   * configuration.
   *
   * @param name a name unique in this registry: letters, digits, {@code -} and {@code _}
   * @param check the check
   * @return the registration in force
   * @throws IllegalArgumentException if the name is invalid or taken, or the check is a dependency
   *     check (see {@link HealthCheckKind}) and the default groups included liveness
   * @throws ConfigurationException if configuration holds an invalid setting for the check
   */
  public HealthCheckRegistration register(String name, HealthCheck check) {
    return register(name, check, HealthCheckConfig.ofDefaults());
  }

  /**
   * Registers a check.
   *
   * @param name a name unique in this registry: letters, digits, {@code -} and {@code _}, at most
   *     63 characters; it is also the instance name of the check's settings
   * @param check the check
   * @param config how to run and report it; values left unset come from configuration or defaults
   * @return the registration in force
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the name is invalid or taken, or a dependency check is put
   *     on liveness without {@link HealthCheckConfig.Builder#allowOnLiveness(boolean)}
   * @throws ConfigurationException if configuration holds an invalid setting for the check
   */
  public HealthCheckRegistration register(
      String name, HealthCheck check, HealthCheckConfig config) {
    Checks.notNull("name", name);
    Checks.notNull("check", check);
    Checks.notNull("config", config);
    Checks.check(
        NAME.matcher(name).matches(),
        "check name",
        "letters, digits, '-' and '_' (at most 63)",
        "\"" + name + "\"");
    HealthCheckKind kind = config.kind().orElseGet(() -> kindOf(check));
    HealthCheckConfig effective = bind(name, config);
    if (kind.isDependency() && effective.groups().contains(HealthGroups.LIVENESS)) {
      Checks.check(
          effective.allowOnLiveness(),
          "groups of dependency check \"" + name + "\"",
          "free of liveness unless allowOnLiveness(true) is set, because a dependency outage"
              + " would restart every instance",
          effective.groups());
    }
    HealthCheckRegistration registration =
        new HealthCheckRegistration(name, check, kind, effective);
    evaluator.add(registration);
    return registration;
  }

  private static HealthCheckKind kindOf(HealthCheck check) {
    HealthCheckKind kind = check.kind();
    return kind == null ? HealthCheckKind.INTERNAL : kind;
  }

  private HealthCheckConfig bind(String checkName, HealthCheckConfig code) {
    return code.withOverrides(configSource, checkName);
  }

  /**
   * Removes a check. A run in flight finishes but its result is no longer reported.
   *
   * @param name the check's name
   * @return true if the check was registered
   */
  public boolean unregister(String name) {
    return evaluator.remove(name);
  }

  /**
   * Returns one registration.
   *
   * @param name the check's name
   * @return the registration, or empty if no check has that name
   */
  public Optional<HealthCheckRegistration> registration(String name) {
    return Optional.ofNullable(evaluator.registration(name));
  }

  /**
   * Returns every registration, in registration order.
   *
   * @return an immutable list
   */
  public List<HealthCheckRegistration> registrations() {
    return evaluator.registrations();
  }

  /**
   * Returns the last recorded result of a check, without running it.
   *
   * @param name the check's name
   * @return the result, or empty if the check is unknown or has not run yet
   */
  public Optional<HealthCheckResult> lastResult(String name) {
    return Optional.ofNullable(evaluator.lastResult(name));
  }

  /**
   * Returns the names of the groups: the three probes, and every custom group a check joined.
   *
   * @return an immutable set
   */
  public Set<String> groups() {
    Set<String> names = new LinkedHashSet<>();
    names.add(HealthGroups.LIVENESS);
    names.add(HealthGroups.READINESS);
    names.add(HealthGroups.STARTUP);
    names.addAll(evaluator.groupNames());
    return Collections.unmodifiableSet(names);
  }

  /**
   * Answers the liveness probe.
   *
   * @return the report
   */
  public HealthReport liveness() {
    return report(HealthGroups.LIVENESS);
  }

  /**
   * Answers the readiness probe.
   *
   * @return the report
   */
  public HealthReport readiness() {
    return report(HealthGroups.READINESS);
  }

  /**
   * Answers the startup probe.
   *
   * @return the report
   */
  public HealthReport startup() {
    return report(HealthGroups.STARTUP);
  }

  /**
   * Answers the probe of one group, waiting at most the probe timeout. Never throws for a failing
   * check. The group {@value #ALL} holds every check; its report is {@link #fullReport()} without
   * the resource sample and the service performance.
   *
   * @param group the group's name
   * @return the report
   * @throws IllegalArgumentException if no such group exists
   */
  public HealthReport report(String group) {
    Checks.notNull("group", group);
    HealthReport report = evaluator.report(group);
    if (report == null) {
      throw new IllegalArgumentException(
          "group must be one of " + groups() + ", was \"" + group + "\"");
    }
    return report;
  }

  /**
   * Returns the report of every check, with the resource sample and the service performance: the
   * detailed view. Its status is readiness's: the checks' aggregate, unhealthy while starting and
   * while shutting down.
   *
   * @return the report
   */
  public HealthReport fullReport() {
    return evaluator.fullReport();
  }

  /**
   * Returns the lifecycle: startup completion and graceful shutdown.
   *
   * @return the lifecycle
   */
  public HealthLifecycle lifecycle() {
    return lifecycle;
  }

  /**
   * Adds a listener.
   *
   * @param listener the listener
   * @throws NullPointerException if {@code listener} is null
   */
  public void addListener(HealthListener listener) {
    listeners.add(Checks.notNull("listener", listener));
  }

  /**
   * Removes a listener.
   *
   * @param listener the listener
   * @return true if it was registered
   */
  public boolean removeListener(HealthListener listener) {
    return listeners.remove(listener);
  }

  /**
   * Returns this registry's name, used in thread names and messages.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the probe timeout in force.
   *
   * @return the longest a probe waits for its checks
   */
  public Duration probeTimeout() {
    return probeTimeout;
  }

  /**
   * Returns the concurrency limit in force.
   *
   * @return how many checks may run at once
   */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /**
   * Stops the scheduler and the check threads (interrupting checks still running). Probes still
   * answer afterwards, with checks that cannot run reported unhealthy. Idempotent.
   */
  @Override
  public void close() {
    evaluator.close();
    ticks.stop();
    if (ownScheduler != null) {
      ownScheduler.shutdownNow();
    }
    executor.shutdownNow();
  }

  private void lifecycleChanged() {
    evaluator.lifecycleChanged();
  }

  /**
   * Returns how many failures the scheduler's ticks caught since the registry was built (each check
   * that threw counts once per tick): each was logged, and the scheduler went on.
   *
   * @return the number of failures
   */
  public long tickFailures() {
    return ticks.failures();
  }

  @Override
  public String toString() {
    return "HealthCheckRegistry[" + name + ", checks=" + evaluator.checkNames() + "]";
  }

  /** Builds a {@link HealthCheckRegistry}. Not thread-safe. */
  public static final class Builder {
    private String name = "health";
    private TimeSource time = TimeSource.system();
    private ConfigSource configSource = ConfigSource.standard();
    private Redactor redactor = Redactor.defaults();
    private Duration probeTimeout;
    private Integer maxConcurrency;
    private Duration drainTime;
    private final List<HealthListener> listeners = new ArrayList<>();
    private ServicePerformanceSource performanceSource;
    private Supplier<ResourceUsage> resourceSource = SystemResources::sample;
    private Duration tick = Duration.ofMillis(100);
    private PolicyScheduler scheduler;
    private ExecutorService executor;

    private Builder() {}

    /**
     * Sets the registry's name, used in thread names and messages. Default {@code health}.
     *
     * @param name letters, digits, {@code -} and {@code _}
     * @return this builder
     * @throws IllegalArgumentException if the name has other characters
     */
    public Builder name(String name) {
      Checks.notNull("name", name);
      Checks.check(
          NAME.matcher(name).matches(),
          "registry name",
          "letters, digits, '-' and '_' (at most 63)",
          "\"" + name + "\"");
      this.name = name;
      return this;
    }

    /**
     * Sets the time source for every time decision. Default {@link TimeSource#system()}; tests pass
     * a {@code ManualTimeSource}.
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Checks.notNull("timeSource", time);
      return this;
    }

    /**
     * Sets where settings come from. Default {@link ConfigSource#standard()} (system properties,
     * then environment variables).
     *
     * @param source the source
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.configSource = Checks.notNull("configSource", source);
      return this;
    }

    /**
     * Sets the redactor that sanitises every result's message and details. Default {@link
     * Redactor#defaults()}.
     *
     * @param redactor the redactor; {@link Redactor#none()} turns sanitising off
     * @return this builder
     */
    public Builder redactor(Redactor redactor) {
      this.redactor = Checks.notNull("redactor", redactor);
      return this;
    }

    /**
     * Sets the longest a probe waits for its checks. Default 5s.
     *
     * @param timeout 1 ms to 10 minutes ({@link HealthSettings#PROBE_TIMEOUT})
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is out of range
     */
    public Builder probeTimeout(Duration timeout) {
      this.probeTimeout = HealthSettings.PROBE_TIMEOUT.check(timeout);
      return this;
    }

    /**
     * Sets how many checks may run at once. Default 8.
     *
     * @param max between 1 and 1024
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is outside that range
     */
    public Builder maxConcurrency(int max) {
      this.maxConcurrency = HealthSettings.MAX_CONCURRENCY.check(max);
      return this;
    }

    /**
     * Sets how long a graceful shutdown keeps readiness failing before the application may stop.
     * Default 30s.
     *
     * @param drainTime zero to 1 h ({@link HealthSettings#SHUTDOWN_DRAIN_TIME})
     * @return this builder
     * @throws IllegalArgumentException if {@code drainTime} is out of range
     */
    public Builder shutdownDrainTime(Duration drainTime) {
      this.drainTime = HealthSettings.SHUTDOWN_DRAIN_TIME.check(drainTime);
      return this;
    }

    /**
     * Adds a listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(HealthListener listener) {
      listeners.add(Checks.notNull("listener", listener));
      return this;
    }

    /**
     * Sets the source of the detailed view's {@code performance} section. Default none (the section
     * is left out).
     *
     * @param source the source, such as the metrics module's HTTP statistics
     * @return this builder
     */
    public Builder performanceSource(ServicePerformanceSource source) {
      this.performanceSource = Checks.notNull("performanceSource", source);
      return this;
    }

    /**
     * Sets the source of the detailed view's {@code resources} section. Default: sampled from the
     * JVM and OSHI.
     *
     * @param source the source; null leaves the section out
     * @return this builder
     */
    public Builder resourceSource(Supplier<ResourceUsage> source) {
      this.resourceSource = source;
      return this;
    }

    // How often the scheduler looks at the clock; shortened by tests.
    Builder tick(Duration tick) {
      this.tick = Checks.positive("tick", tick);
      return this;
    }

    // What runs the ticks instead of the registry's own thread; a ManualScheduler in tests.
    Builder scheduler(PolicyScheduler scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      return this;
    }

    // What runs the checks instead of the registry's own threads; shut down by close().
    Builder executor(ExecutorService executor) {
      this.executor = Checks.notNull("executor", executor);
      return this;
    }

    /**
     * Builds the registry and starts its scheduler thread.
     *
     * @return a new registry; close it when done
     * @throws ConfigurationException if configuration holds an invalid registry setting
     */
    public HealthCheckRegistry build() {
      return new HealthCheckRegistry(this);
    }
  }
}
