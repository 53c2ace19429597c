package dev.reliability.cluster;

import com.hazelcast.core.HazelcastInstance;
import dev.reliability.cluster.internal.FleetBackend;
import dev.reliability.cluster.internal.FleetEngines;
import dev.reliability.cluster.internal.FleetSwitch;
import dev.reliability.cluster.internal.hazelcast.HazelcastBackend;
import dev.reliability.cluster.internal.redis.RedisBackend;
import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.core.policy.PolicyScheduler;
import dev.reliability.core.redaction.Redactor;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of this instance to the engine that keeps the fleet's shared limits (Redis or
 * Hazelcast), and the factory of those limits: {@link #rateLimiter(FleetRateLimitConfig)}, {@link
 * #bulkhead(FleetBulkheadConfig)} and {@link #retryBudget(FleetRetryBudgetConfig)}.
 *
 * <pre>{@code
 * FleetEngine fleet = FleetEngine.redis("redis://localhost:6379")
 *     .name("orders")
 *     .expectedInstances(20)
 *     .build();
 * FleetRateLimiter partnerApi = fleet.rateLimiter(
 *     FleetRateLimitConfig.builder("partner-api").limit(1_000).period(Duration.ofSeconds(1)).build());
 * }</pre>
 *
 * <p><b>Failure behaviour.</b> Every remote operation is bounded by {@link
 * Builder#timeout(Duration)} (100 ms by default): a caller never waits longer for the engine. The
 * first operation that fails or is late switches the engine to {@link FleetStatus#DEGRADED}: one
 * WARN log line with the cause, a count in {@link #fallbacks()}, an event to each {@link
 * FleetListener}. From then on every limit decides alone, on its local share (the fleet-wide limit
 * divided by {@link Builder#expectedInstances(int)}, or its configured local share), and never
 * waits on the engine. A probe ({@code ping}) on the scheduler, at most once every {@link
 * Builder#recoveryInterval(Duration)} (1 s by default), switches back to {@link FleetStatus#SHARED}
 * when the engine answers (one INFO log line). What each limit loses or counts twice across a
 * switch is written in its class.
 *
 * <p>Settings (prefix {@value #CONFIG_PREFIX}, per engine name): see {@link #SETTINGS}.
 * Thread-safe. {@link #close()} stops the probes and the limits' background work and closes the
 * connection the engine opened; it does not shut down a client or a Hazelcast instance the
 * application passed in.
 */
public final class FleetEngine implements AutoCloseable {

  static {
    FleetEngines.install(Builder::new);
  }

  private static final Logger LOG = LoggerFactory.getLogger(FleetEngine.class);

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.fleet";

  /** Settings may be set per engine name as well as for every engine. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** How long any remote operation may take before the engine counts as failed. */
  public static final Setting<Duration> TIMEOUT =
      Setting.durationSetting("timeout")
          .defaultValue(Duration.ofMillis(100))
          .between(Duration.ofMillis(1), Duration.ofMinutes(1))
          .description(
              "How long a remote operation may take; a later or failed one switches every limit to"
                  + " its local share")
          .build();

  /** How many instances share the limits: the divisor of each limit's local share. */
  public static final Setting<Integer> EXPECTED_INSTANCES =
      Setting.intSetting("expected-instances")
          .defaultValue(1)
          .between(1, 100_000)
          .description(
              "Instances that share the limits; a limit's local share is its fleet-wide value"
                  + " divided by this")
          .build();

  /** How often a degraded engine is probed. */
  public static final Setting<Duration> RECOVERY_INTERVAL =
      Setting.durationSetting("recovery-interval")
          .defaultValue(Duration.ofSeconds(1))
          .between(Duration.ofMillis(10), Duration.ofHours(1))
          .description("How often a degraded engine is probed to switch back to the shared limits")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(TIMEOUT, EXPECTED_INSTANCES, RECOVERY_INTERVAL);

  private static final int FAILURE_MAX = 256;

  private final String name;
  private final FleetBackend backend;
  private final long timeoutNanos;
  private final Duration timeout;
  private final int expectedInstances;
  private final Duration recoveryInterval;
  private final PolicyScheduler scheduler;
  private final String instanceId;
  private final FleetSwitch fleetSwitch;
  private final List<FleetListener> listeners = new CopyOnWriteArrayList<>();
  private final List<FleetLimit> limits = new CopyOnWriteArrayList<>();
  private final List<FleetComponent> components = new CopyOnWriteArrayList<>();
  private final LongAdder remoteCalls = new LongAdder();
  private final LongAdder remoteNanos = new LongAdder();
  private final LongAdder remoteFailures = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder recoveries = new LongAdder();
  private final ConfigSource configSource;
  private volatile Future<?> probe;
  private volatile boolean closed;

  private FleetEngine(Builder b) {
    this.name = b.name;
    this.backend = b.backend;
    this.timeout = b.timeout;
    this.timeoutNanos = b.timeout.toNanos();
    this.expectedInstances = b.expectedInstances;
    this.recoveryInterval = b.recoveryInterval;
    this.scheduler = b.scheduler;
    this.instanceId = b.instanceId != null ? b.instanceId : UUID.randomUUID().toString();
    this.fleetSwitch = new FleetSwitch(scheduler.timeSource().now());
    this.listeners.addAll(b.listeners);
    this.configSource = b.configSource;
  }

  /**
   * Starts an engine on Redis, with a Lettuce client the engine creates and closes.
   *
   * @param redisUri a Redis URI, such as {@code redis://localhost:6379}
   * @return a builder
   * @throws IllegalArgumentException if the URI is invalid
   */
  public static Builder redis(String redisUri) {
    Checks.notBlank("redisUri", redisUri);
    return new Builder(RedisBackend.create(redisUri));
  }

  /**
   * Starts an engine on Redis with the application's Lettuce client, which {@link #close()} does
   * not shut down.
   *
   * @param client the client
   * @return a builder
   */
  public static Builder redis(RedisClient client) {
    return new Builder(new RedisBackend(Checks.notNull("client", client), false));
  }

  /**
   * Starts an engine on a Hazelcast member or client of the application, which {@link #close()}
   * does not shut down.
   *
   * @param instance the Hazelcast instance
   * @return a builder
   */
  public static Builder hazelcast(HazelcastInstance instance) {
    return new Builder(new HazelcastBackend(Checks.notNull("instance", instance)));
  }

  /**
   * Returns whether the limits are shared now or kept locally while the engine fails.
   *
   * @return the status
   */
  public FleetStatus status() {
    return fleetSwitch.status();
  }

  /**
   * Returns when the current status began (wall clock of the scheduler's time source).
   *
   * @return the instant
   */
  public Instant statusSince() {
    return fleetSwitch.phase().since();
  }

  /**
   * Returns the failure that began the last degraded phase, redacted and at most 256 characters.
   *
   * @return the failure, or empty if the engine never failed
   */
  public Optional<String> lastFailure() {
    return Optional.ofNullable(fleetSwitch.phase().lastFailure());
  }

  /**
   * Returns the engine's kind.
   *
   * @return {@code "redis"} or {@code "hazelcast"} (or a test engine's name)
   */
  public String engine() {
    return backend.engine();
  }

  /**
   * Returns this engine's name, for logs, metrics and configuration.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the bound of every remote operation.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Returns the instances expected to share the limits.
   *
   * @return at least 1
   */
  public int expectedInstances() {
    return expectedInstances;
  }

  /**
   * Returns this instance's id, the prefix of its bulkhead leases.
   *
   * @return the id
   */
  public String instanceId() {
    return instanceId;
  }

  /**
   * Returns the remote operations done by callers (not background work), answered or not.
   *
   * @return the count
   */
  public long remoteCalls() {
    return remoteCalls.sum();
  }

  /**
   * Returns the total time callers spent on remote operations.
   *
   * @return nanoseconds
   */
  public long remoteTimeNanos() {
    return remoteNanos.sum();
  }

  /**
   * Returns the remote operations, callers' and background, that failed or were late.
   *
   * @return the count
   */
  public long remoteFailures() {
    return remoteFailures.sum();
  }

  /**
   * Returns how many times the engine switched to its local shares.
   *
   * @return the count
   */
  public long fallbacks() {
    return fallbacks.sum();
  }

  /**
   * Returns how many times the engine switched back to the shared limits.
   *
   * @return the count
   */
  public long recoveries() {
    return recoveries.sum();
  }

  /**
   * Returns the limits created so far, in creation order (per-key limiters are counted in their
   * keyed limit).
   *
   * @return a snapshot
   */
  public List<FleetLimit> limits() {
    return List.copyOf(limits);
  }

  /**
   * Adds a listener after the engine was built.
   *
   * @param listener the listener
   */
  public void addListener(FleetListener listener) {
    listeners.add(Checks.notNull("listener", listener));
  }

  /**
   * Creates a fleet-wide rate limiter; the engine's config source, if it has one, overrides the
   * configuration ({@link FleetRateLimitConfig#withOverrides(ConfigSource)}).
   *
   * @param config its configuration
   * @return the limiter
   */
  public FleetRateLimiter rateLimiter(FleetRateLimitConfig config) {
    Checks.notNull("config", config);
    FleetRateLimiter limiter =
        new FleetRateLimiter(
            this, configSource == null ? config : config.withOverrides(configSource));
    return added(limiter, limiter.hooks());
  }

  /**
   * Creates a fleet-wide bulkhead; the engine's config source, if it has one, overrides the
   * configuration ({@link FleetBulkheadConfig#withOverrides(ConfigSource)}).
   *
   * @param config its configuration
   * @return the bulkhead
   */
  public FleetBulkhead bulkhead(FleetBulkheadConfig config) {
    Checks.notNull("config", config);
    FleetBulkhead bulkhead =
        new FleetBulkhead(this, configSource == null ? config : config.withOverrides(configSource));
    return added(bulkhead, bulkhead.hooks());
  }

  /**
   * Creates a fleet-wide retry budget; the engine's config source, if it has one, overrides the
   * configuration ({@link FleetRetryBudgetConfig#withOverrides(ConfigSource)}).
   *
   * @param config its configuration
   * @return the budget
   */
  public FleetRetryBudget retryBudget(FleetRetryBudgetConfig config) {
    Checks.notNull("config", config);
    FleetRetryBudget budget =
        new FleetRetryBudget(
            this, configSource == null ? config : config.withOverrides(configSource));
    return added(budget, budget.hooks());
  }

  /**
   * Stops the probe and the limits' background work and closes the backend; idempotent. Leases
   * still held expire on the engine after their time to live.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Future<?> p = probe;
    if (p != null) {
      p.cancel(false);
    }
    for (FleetComponent c : components) {
      try {
        c.close();
      } catch (Throwable t) {
        LOG.warn("fleet_limit_close_failed engine={} error={}", name, describe(t));
      }
    }
    try {
      backend.close();
    } catch (Throwable t) {
      LOG.warn("fleet_backend_close_failed engine={} error={}", name, describe(t));
    }
  }

  @Override
  public String toString() {
    return "FleetEngine[" + name + " on " + backend.engine() + ", " + status() + "]";
  }

  // ---- for the limits (package-private) ----

  private <T extends FleetLimit> T added(T limit, FleetComponent hooks) {
    if (closed) {
      hooks.close();
      throw new IllegalStateException("fleet engine " + name + " is closed");
    }
    components.add(hooks);
    limits.add(limit);
    for (FleetListener l : listeners) {
      try {
        l.onLimitAdded(this, limit);
      } catch (Throwable t) {
        listenerFailed(t);
      }
    }
    return limit;
  }

  FleetBackend backend() {
    return backend;
  }

  PolicyScheduler scheduler() {
    return scheduler;
  }

  boolean isClosed() {
    return closed;
  }

  /** A remote operation that failed or was late; the engine has been told. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Runs one remote operation for a caller, waiting at most the timeout. A failure or a late answer
   * switches the engine to degraded and throws; an interrupt throws without switching and keeps the
   * thread's interrupt flag.
   */
  <T> T await(Supplier<CompletableFuture<T>> operation, long timeoutNanos) throws Unavailable {
    long start = System.nanoTime();
    remoteCalls.increment();
    try {
      CompletableFuture<T> f = operation.get();
      return f.get(Math.max(1, timeoutNanos), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    } catch (TimeoutException e) {
      throw failed("no answer within " + DurationText.format(timeout));
    } catch (ExecutionException e) {
      throw failed(describe(e.getCause()));
    } catch (Throwable t) {
      throw failed(describe(t));
    } finally {
      remoteNanos.add(System.nanoTime() - start);
    }
  }

  /** The timeout of one caller's whole remote exchange, in nanoseconds. */
  long timeoutNanos() {
    return timeoutNanos;
  }

  /**
   * Starts one background remote operation bounded by the timeout on the scheduler; a failure or a
   * late answer switches the engine to degraded. Never throws.
   */
  <T> CompletableFuture<T> background(Supplier<CompletableFuture<T>> operation) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<T> f;
    try {
      f = operation.get();
    } catch (Throwable t) {
      reportFailure(describe(t));
      result.completeExceptionally(t);
      return result;
    }
    Future<?> timer =
        scheduler.schedule(
            () -> {
              if (result.completeExceptionally(new TimeoutException())) {
                reportFailure("no answer within " + DurationText.format(timeout));
              }
            },
            timeoutNanos);
    f.whenComplete(
        (v, e) -> {
          timer.cancel(false);
          if (e == null) {
            result.complete(v);
          } else if (result.completeExceptionally(e)) {
            reportFailure(describe(e instanceof CompletionException ? e.getCause() : e));
          }
        });
    return result;
  }

  private Unavailable failed(String failure) {
    reportFailure(failure);
    return new Unavailable(failure);
  }

  /** Counts a failed remote operation and switches to degraded if shared. */
  void reportFailure(String failure) {
    remoteFailures.increment();
    String shown = Checks.shortened(Redactor.defaults().redact(failure));
    if (shown.length() > FAILURE_MAX) {
      shown = shown.substring(0, FAILURE_MAX);
    }
    if (!fleetSwitch.degrade(shown, scheduler.timeSource().now())) {
      return;
    }
    fallbacks.increment();
    LOG.warn(
        "fleet_degraded engine={} backend={} cause=\"{}\" action=\"local shares until the engine"
            + " answers\"",
        name,
        backend.engine(),
        shown);
    for (FleetComponent c : components) {
      try {
        c.onStatusChange(FleetStatus.DEGRADED);
      } catch (Throwable t) {
        LOG.warn("fleet_limit_switch_failed engine={} error={}", name, describe(t));
      }
    }
    for (FleetListener l : listeners) {
      try {
        l.onDegraded(this, shown);
      } catch (Throwable t) {
        listenerFailed(t);
      }
    }
    scheduleProbe();
  }

  private void scheduleProbe() {
    if (!closed) {
      probe = scheduler.schedule(this::probeOnce, recoveryInterval.toNanos());
    }
  }

  /** One probe of a degraded engine: recovers on an answer, else probes again later. */
  private void probeOnce() {
    if (closed) {
      return;
    }
    try {
      CompletableFuture<Void> ping = new CompletableFuture<>();
      Future<?> timer =
          scheduler.schedule(
              () -> ping.completeExceptionally(new TimeoutException()), timeoutNanos);
      backend
          .ping()
          .whenComplete(
              (v, e) -> {
                timer.cancel(false);
                if (e == null) {
                  ping.complete(null);
                } else {
                  ping.completeExceptionally(e);
                }
              });
      ping.whenComplete((v, e) -> probed(e));
    } catch (Throwable t) {
      LOG.warn("fleet_probe_failed engine={} error=\"{}\"", name, describe(t));
      scheduleProbe();
    }
  }

  private void probed(Throwable failure) {
    try {
      if (failure != null) {
        scheduleProbe();
        return;
      }
      if (!fleetSwitch.recover(scheduler.timeSource().now())) {
        return;
      }
      recoveries.increment();
      LOG.info("fleet_recovered engine={} backend={} action=\"shared limits\"", name, engine());
      for (FleetComponent c : components) {
        try {
          c.onStatusChange(FleetStatus.SHARED);
        } catch (Throwable t) {
          LOG.warn("fleet_limit_switch_failed engine={} error={}", name, describe(t));
        }
      }
      for (FleetListener l : listeners) {
        try {
          l.onRecovered(this);
        } catch (Throwable t) {
          listenerFailed(t);
        }
      }
    } catch (Throwable t) {
      LOG.warn("fleet_probe_failed engine={} error=\"{}\"", name, describe(t));
      if (status() == FleetStatus.DEGRADED) {
        scheduleProbe();
      }
    }
  }

  private void listenerFailed(Throwable t) {
    LOG.warn("fleet_listener_failed engine={} error=\"{}\"", name, describe(t));
  }

  static String describe(Throwable t) {
    if (t == null) {
      return "unknown";
    }
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return c.getClass().getSimpleName() + (m == null ? "" : ": " + Checks.shortened(m));
  }

  /** What the engine asks of each of its limits. */
  interface FleetComponent {
    /** The engine switched; called once per switch, by the thread that made it. */
    void onStatusChange(FleetStatus status);

    /** The engine closes. */
    void close();
  }

  /**
   * Builds a {@link FleetEngine}; every setter validates at once. Not thread-safe.
   *
   * <p>Defaults: name {@code fleet}, timeout 100 ms, one expected instance, recovery interval 1 s,
   * {@link PolicyScheduler#system()}.
   */
  public static final class Builder {
    private final FleetBackend backend;
    private String name = "fleet";
    private Duration timeout = TIMEOUT.defaultValue().orElseThrow();
    private int expectedInstances = EXPECTED_INSTANCES.defaultValue().orElseThrow();
    private Duration recoveryInterval = RECOVERY_INTERVAL.defaultValue().orElseThrow();
    private PolicyScheduler scheduler = PolicyScheduler.system();
    private ConfigSource configSource;
    private String instanceId;
    private final List<FleetListener> listeners = new ArrayList<>();

    Builder(FleetBackend backend) {
      this.backend = Checks.notNull("backend", backend);
    }

    /**
     * Sets the engine's name, shown in logs, metrics and health, and the instance name of its
     * settings. Default {@code fleet}.
     *
     * @param name 1 to 64 letters, digits, {@code -} or {@code _}
     * @return this builder
     * @throws IllegalArgumentException if invalid
     */
    public Builder name(String name) {
      Checks.notNull("name", name);
      Checks.check(
          name.length() <= 64 && FleetRateLimitConfig.NAME.matcher(name).matches(),
          "name",
          "1 to 64 letters, digits, '-' or '_'",
          "\"" + Checks.shortened(name) + "\"");
      this.name = name;
      return this;
    }

    /**
     * Sets the bound of every remote operation ({@link #TIMEOUT}). Default 100 ms.
     *
     * @param timeout 1 ms to 1 min
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder timeout(Duration timeout) {
      this.timeout = TIMEOUT.check(timeout);
      return this;
    }

    /**
     * Sets how many instances share the limits ({@link #EXPECTED_INSTANCES}): a limit's local share
     * is its fleet-wide value divided by this. Default 1.
     *
     * @param instances 1 to 100,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder expectedInstances(int instances) {
      this.expectedInstances = EXPECTED_INSTANCES.check(instances);
      return this;
    }

    /**
     * Sets how often a degraded engine is probed ({@link #RECOVERY_INTERVAL}). Default 1 s.
     *
     * @param interval 10 ms to 1 h
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder recoveryInterval(Duration interval) {
      this.recoveryInterval = RECOVERY_INTERVAL.check(interval);
      return this;
    }

    /**
     * Sets the scheduler that gives time and runs the probes, lease renewals and budget syncs.
     * Default {@link PolicyScheduler#system()}.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(PolicyScheduler scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Sets where the settings are read from, overriding the values set in code: the engine's at
     * {@link #build()} ({@code reliability.fleet.timeout} or {@code
     * reliability.fleet.<name>.timeout}), each limit's when the engine creates it ({@code
     * reliability.fleet.ratelimiter.<limit>.limit}, ...). Default none.
     *
     * @param source the source, such as {@link ConfigSource#standard()}
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.configSource = Checks.notNull("source", source);
      return this;
    }

    /**
     * Adds a listener of the engine's switches.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(FleetListener listener) {
      this.listeners.add(Checks.notNull("listener", listener));
      return this;
    }

    /**
     * Sets this instance's id, the prefix of its bulkhead leases. Default a random UUID.
     *
     * @param id 1 to 64 letters, digits, {@code -} or {@code _}
     * @return this builder
     * @throws IllegalArgumentException if invalid
     */
    public Builder instanceId(String id) {
      Checks.notNull("instanceId", id);
      Checks.check(
          id.length() <= 64 && FleetRateLimitConfig.NAME.matcher(id).matches(),
          "instanceId",
          "1 to 64 letters, digits, '-' or '_'",
          "\"" + Checks.shortened(id) + "\"");
      this.instanceId = id;
      return this;
    }

    /**
     * Builds the engine. It starts shared; the first failed or late operation degrades it.
     *
     * @return the engine
     * @throws dev.reliability.core.config.ConfigurationException if a configured setting is invalid
     */
    public FleetEngine build() {
      if (configSource != null) {
        ConfigBinder binder = ConfigBinder.of(configSource, CONFIG_PREFIX).instance(name);
        Duration t = binder.get(TIMEOUT, timeout);
        int e = binder.get(EXPECTED_INSTANCES, expectedInstances);
        Duration r = binder.get(RECOVERY_INTERVAL, recoveryInterval);
        binder.throwIfInvalid();
        timeout = t;
        expectedInstances = e;
        recoveryInterval = r;
      }
      return new FleetEngine(this);
    }
  }
}
