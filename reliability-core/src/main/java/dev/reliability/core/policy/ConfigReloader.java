package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.FileConfigSource;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.LogFields;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a configuration file and applies it to a {@link PolicyRegistry} whenever it changes: a
 * {@code .properties} or YAML file read by {@link FileConfigSource}, looked at every {@link
 * Builder#interval(Duration) interval} on the {@link PolicyScheduler} (so tests move it with a
 * {@code ManualScheduler}, without sleeping). When the keys the file sets differ from those last
 * seen, the reloader calls {@link PolicyRegistry#reload(ConfigSource)} with the file's keys first
 * and the {@link Builder#fallback(ConfigSource) fallback} after: every policy is checked first, and
 * a file with any invalid setting changes nothing; it is reported once (log event {@code
 * config_rejected} at WARN with every problem, and {@link Listener#onRejected}) and the policies
 * keep running as they were until the file is fixed. A good file is applied, each policy atomically
 * (log event {@code config_reloaded}, {@link Listener#onReloaded}).
 *
 * <pre>{@code
 * try (ConfigReloader reloader =
 *     ConfigReloader.builder(registry, Path.of("/etc/payments/reliability.yaml"))
 *         .interval(Duration.ofSeconds(10))
 *         .start()) {
 *   // serve traffic; edits of the file apply within ten seconds
 * }
 * }</pre>
 *
 * <p>The polling task survives anything: every {@link Throwable} of a check or of a listener is
 * logged and the next check is scheduled. Files larger than {@link FileConfigSource#MAX_BYTES} are
 * refused unread. Thread-safe; {@link #close()} stops the polling.
 */
public final class ConfigReloader implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

  /**
   * Hears the outcome of each changed file. Callbacks run on the scheduler's thread and must be
   * short; whatever they throw is logged and does not stop the reloader.
   */
  public interface Listener {

    /**
     * A changed file was applied.
     *
     * @param file the file
     * @param changed the names of the policies whose configuration changed; empty if none
     */
    default void onReloaded(Path file, Set<String> changed) {}

    /**
     * A changed file was refused and nothing was changed.
     *
     * @param file the file
     * @param problem every invalid setting in {@link ConfigurationException#problems()}, or the
     *     reason the file could not be read
     */
    default void onRejected(Path file, ConfigurationException problem) {}
  }

  private final PolicyRegistry registry;
  private final Path file;
  private final ConfigSource fallback;
  private final PolicyScheduler scheduler;
  private final long intervalNanos;
  private final Listener listener;

  /** One check at a time (a lock, not a monitor: a check reads a file). */
  private final ReentrantLock checking = new ReentrantLock();

  /** The keys last acted on, applied or refused; guarded by {@link #checking}. */
  private Map<String, String> seen;

  /** The message of the last failure to read the file; guarded by {@link #checking}. */
  private String lastFailure;

  private volatile Future<?> next;
  private volatile boolean closed;

  private ConfigReloader(Builder b) {
    this.registry = b.registry;
    this.file = b.file;
    this.fallback = b.fallback;
    this.scheduler = b.scheduler;
    this.intervalNanos = b.interval.toNanos();
    this.listener = b.listener;
  }

  /**
   * Starts a reloader of a registry from a file.
   *
   * @param registry the registry whose policies follow the file
   * @param file a {@code .properties}, {@code .yaml} or {@code .yml} file
   * @return a builder
   */
  public static Builder builder(PolicyRegistry registry, Path file) {
    return new Builder(Checks.notNull("registry", registry), Checks.notNull("file", file));
  }

  /**
   * Looks at the file now, and applies it if it changed since the last look. The polling task calls
   * this; call it directly to apply a change without waiting for the next tick.
   *
   * @return whether a changed file was applied
   */
  public boolean check() {
    checking.lock();
    try {
      return checkLocked();
    } finally {
      checking.unlock();
    }
  }

  private boolean checkLocked() {
    FileConfigSource keys;
    try {
      keys = FileConfigSource.read(file);
    } catch (ConfigurationException e) {
      // Told once: a file that stays broken is not reported again at every tick.
      if (!e.getMessage().equals(lastFailure)) {
        lastFailure = e.getMessage();
        rejected(e);
      }
      return false;
    }
    lastFailure = null;
    if (keys.values().equals(seen)) {
      return false; // unchanged keys: a comment or the order changed, or nothing
    }
    seen = keys.values();
    Set<String> changed;
    try {
      changed = registry.reload(ConfigSource.chain(keys, fallback));
    } catch (ConfigurationException e) {
      rejected(e);
      return false;
    }
    if (LOG.isInfoEnabled()) {
      LogFields.of("event", "config_reloaded")
          .and("file", file.toString())
          .and("policies", String.join(",", changed))
          .info(LOG, "Applied configuration file {} to policies {}", file, changed);
    }
    try {
      listener.onReloaded(file, changed);
    } catch (Throwable t) {
      LOG.warn("Configuration reloader listener {} failed in onReloaded", listener, t);
    }
    return true;
  }

  private void rejected(ConfigurationException e) {
    if (LOG.isWarnEnabled()) {
      LogFields.of("event", "config_rejected")
          .and("file", file.toString())
          .and("problems", e.problems().size())
          .warn(
              LOG,
              "Configuration file {} was refused and changed nothing: {}",
              file,
              e.getMessage());
    }
    try {
      listener.onRejected(file, e);
    } catch (Throwable t) {
      LOG.warn("Configuration reloader listener {} failed in onRejected", listener, t);
    }
  }

  private void tick() {
    try {
      if (!closed) {
        check();
      }
    } catch (Throwable t) {
      // The loop goes on whatever a check throws: the next tick may find the file fixed.
      LOG.warn("Configuration reloader of {} failed; it checks again in its next tick", file, t);
    } finally {
      schedule();
    }
  }

  private void schedule() {
    if (closed) {
      return;
    }
    try {
      next = scheduler.schedule(this::tick, intervalNanos);
    } catch (Throwable t) {
      LOG.error("Configuration reloader of {} could not schedule its next check", file, t);
    }
    if (closed && next != null) {
      next.cancel(false);
    }
  }

  /** Stops the polling; a check under way finishes. */
  @Override
  public void close() {
    closed = true;
    Future<?> f = next;
    if (f != null) {
      f.cancel(false);
    }
  }

  @Override
  public String toString() {
    return "ConfigReloader[" + file + ", every " + Duration.ofNanos(intervalNanos) + "]";
  }

  /** Builds a {@link ConfigReloader}. Not thread-safe. */
  public static final class Builder {
    private final PolicyRegistry registry;
    private final Path file;
    private ConfigSource fallback = ConfigSource.standard();
    private PolicyScheduler scheduler = PolicyScheduler.system();
    private Duration interval = Duration.ofSeconds(10);
    private Listener listener = new Listener() {};

    private Builder(PolicyRegistry registry, Path file) {
      this.registry = registry;
      this.file = file;
    }

    /**
     * Sets the source asked for keys the file does not set. Default {@link ConfigSource#standard()}
     * (system properties, then environment variables), the registry's default source; the file's
     * keys win over it, so an edit of the file always takes effect.
     *
     * @param fallback the source
     * @return this builder
     */
    public Builder fallback(ConfigSource fallback) {
      this.fallback = Checks.notNull("fallback", fallback);
      return this;
    }

    /**
     * Sets the clock and timer of the polling. Default {@link PolicyScheduler#system()}.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(PolicyScheduler scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Sets how often the file is looked at. Default 10 seconds; at least 100 ms.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder interval(Duration interval) {
      Checks.notNull("interval", interval);
      Checks.check(
          interval.compareTo(Duration.ofMillis(100)) >= 0, "interval", "at least 100ms", interval);
      this.interval = interval;
      return this;
    }

    /**
     * Sets the listener. Default: none.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(Listener listener) {
      this.listener = Checks.notNull("listener", listener);
      return this;
    }

    /**
     * Applies the file once, then polls it.
     *
     * @return the running reloader; close it to stop
     * @throws ConfigurationException if the file cannot be read or holds invalid settings at start:
     *     a service should not start on a configuration it cannot read
     */
    public ConfigReloader start() {
      ConfigReloader reloader = new ConfigReloader(this);
      FileConfigSource keys = FileConfigSource.read(file);
      registry.reload(ConfigSource.chain(keys, fallback));
      reloader.checking.lock();
      try {
        reloader.seen = keys.values();
      } finally {
        reloader.checking.unlock();
      }
      reloader.schedule();
      return reloader;
    }
  }
}
