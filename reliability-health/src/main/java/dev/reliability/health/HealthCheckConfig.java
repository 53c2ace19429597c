package dev.reliability.health;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a registry runs and reports one check: its groups, criticality, timeout, result caching,
 * background schedule and flap damping.
 *
 * <p>Every value left unset here falls back to configuration and then to the defaults of {@link
 * HealthSettings}; a value set here is itself overridden by configuration (per-check key first,
 * then shared key), so operators can retune a check without a code change. {@link
 * HealthCheckRegistration#config()} shows the values in force.
 *
 * <ul>
 *   <li><b>Groups</b>: the probes the check answers for; {@link HealthGroups#READINESS} unless set.
 *       A dependency check ({@link HealthCheckKind#isDependency()}) in {@link
 *       HealthGroups#LIVENESS} needs {@link Builder#allowOnLiveness(boolean)}.
 *   <li><b>Critical</b> (default true): a failing critical check makes its groups as bad as itself;
 *       a failing non-critical check makes them at most degraded.
 *   <li><b>Timeout</b> (default 5s): a run that takes longer is reported unhealthy with the reason
 *       and abandoned; the registry starts no second run until the abandoned one returns.
 *   <li><b>Cache TTL</b> (default 1s): probes within this time of the last run reuse its result,
 *       and concurrent probes share one run, so a burst of probe requests costs one run per TTL.
 *   <li><b>Background</b> (default off): the check runs every interval (default 60s) with a random
 *       spread (jitter, default 10%); probes only read the last result. A result older than
 *       unknown-after reports unknown, older than unhealthy-after reports unhealthy, so a stuck
 *       scheduler can never keep reporting healthy.
 *   <li><b>Flap damping</b> (off by default): a healthy check reports a failure only after
 *       failure-threshold consecutive failing runs <em>and</em> after failing for at least
 *       min-time-in-error; a failing check reports healthy again only after success-threshold
 *       consecutive healthy runs. While damped, the result keeps the reported status and shows the
 *       raw one in its details.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class HealthCheckConfig {

  /** The prefix of the settings a check reads; they can be set per check name. */
  public static final String CONFIG_PREFIX = HealthSettings.PREFIX;

  /** Check settings may be set for one check: {@code reliability.health.<check>.<setting>}. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** The settings a check reads. */
  public static final List<Setting<?>> SETTINGS = HealthSettings.CHECK_SETTINGS;

  private static final HealthCheckConfig DEFAULTS = builder().build();

  private final Set<String> groups;
  private final Boolean critical;
  private final HealthCheckKind kind;
  private final boolean allowOnLiveness;
  private final Duration timeout;
  private final Duration cacheTtl;
  private final Boolean background;
  private final Duration interval;
  private final Double jitter;
  private final Duration unknownAfter;
  private final Duration unhealthyAfter;
  private final Integer failureThreshold;
  private final Integer successThreshold;
  private final Duration minTimeInError;

  private HealthCheckConfig(Builder b) {
    this.groups =
        b.groups == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(b.groups));
    this.critical = b.critical;
    this.kind = b.kind;
    this.allowOnLiveness = b.allowOnLiveness;
    this.timeout = b.timeout;
    this.cacheTtl = b.cacheTtl;
    this.background = b.background;
    this.interval = b.interval;
    this.jitter = b.jitter;
    this.unknownAfter = b.unknownAfter;
    this.unhealthyAfter = b.unhealthyAfter;
    this.failureThreshold = b.failureThreshold;
    this.successThreshold = b.successThreshold;
    this.minTimeInError = b.minTimeInError;
  }

  /**
   * Returns the configuration with nothing set: readiness only, critical, and every other value
   * from configuration or the defaults.
   *
   * @return the shared default configuration
   */
  public static HealthCheckConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Starts an empty configuration.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this configuration's values, to derive a variant; this configuration
   * is unchanged.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    HealthCheckConfig base = this;
    Builder b = new Builder();
    b.groups = base.groups == null ? null : new LinkedHashSet<>(base.groups);
    b.critical = base.critical;
    b.kind = base.kind;
    b.allowOnLiveness = base.allowOnLiveness;
    b.timeout = base.timeout;
    b.cacheTtl = base.cacheTtl;
    b.background = base.background;
    b.interval = base.interval;
    b.jitter = base.jitter;
    b.unknownAfter = base.unknownAfter;
    b.unhealthyAfter = base.unhealthyAfter;
    b.failureThreshold = base.failureThreshold;
    b.successThreshold = base.successThreshold;
    b.minTimeInError = base.minTimeInError;
    return b;
  }

  /**
   * Returns this configuration with the settings a source holds for one check replaced: the check's
   * own key ({@code reliability.health.<check>.check-timeout}), then the shared key ({@code
   * reliability.health.check-timeout}), then the value set in code, then the default. The result
   * holds every value in force, the derived staleness bounds included. The registry applies its
   * {@linkplain HealthCheckRegistry.Builder#configSource(ConfigSource) source} this way when a
   * check is registered.
   *
   * @param source where overrides come from, such as {@link ConfigSource#standard()}
   * @param checkName the check's name, letters, digits, {@code -} and {@code _}
   * @return a new configuration; this one is unchanged
   * @throws ConfigurationException listing every invalid setting, or naming settings that do not
   *     fit together
   */
  public HealthCheckConfig withOverrides(ConfigSource source, String checkName) {
    Checks.notNull("source", source);
    HealthCheckConfig code = this;
    ConfigBinder config = ConfigBinder.of(source, HealthSettings.PREFIX).instance(checkName);
    HealthCheckConfig.Builder b = code.toBuilder();
    b.critical(config.get(HealthSettings.CRITICAL, code.criticalSet()));
    b.timeout(config.get(HealthSettings.CHECK_TIMEOUT, code.timeoutSet()));
    b.cacheTtl(config.get(HealthSettings.CACHE_TTL, code.cacheTtlSet()));
    b.background(config.get(HealthSettings.BACKGROUND, code.backgroundSet()));
    b.interval(config.get(HealthSettings.CHECK_INTERVAL, code.intervalSet()));
    b.jitter(config.get(HealthSettings.JITTER, code.jitterSet()));
    b.failureThreshold(config.get(HealthSettings.FAILURE_THRESHOLD, code.failureThresholdSet()));
    b.successThreshold(config.get(HealthSettings.SUCCESS_THRESHOLD, code.successThresholdSet()));
    b.minTimeInError(config.get(HealthSettings.MIN_TIME_IN_ERROR, code.minTimeInErrorSet()));
    Duration unknownAfter = optional(config, HealthSettings.UNKNOWN_AFTER, code.unknownAfterSet());
    Duration unhealthyAfter =
        optional(config, HealthSettings.UNHEALTHY_AFTER, code.unhealthyAfterSet());
    config.throwIfInvalid();
    if (unknownAfter != null) {
      b.unknownAfter(unknownAfter);
    }
    if (unhealthyAfter != null) {
      b.unhealthyAfter(unhealthyAfter);
    }
    HealthCheckConfig bound;
    try {
      bound = b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          HealthSettings.PREFIX + "." + checkName + "." + e.getMessage());
    }
    // Freeze the derived staleness bounds so the registration shows every value in force.
    return bound.toBuilder()
        .unknownAfter(bound.unknownAfter())
        .unhealthyAfter(
            bound.unhealthyAfter().compareTo(bound.unknownAfter()) < 0
                ? bound.unknownAfter()
                : bound.unhealthyAfter())
        .build();
  }

  private static Duration optional(ConfigBinder config, Setting<Duration> setting, Duration code) {
    Optional<Duration> found = config.find(setting);
    if (found.isPresent()) {
      return found.get();
    }
    return code == null ? null : config.get(setting, code);
  }

  /**
   * Returns the groups the check belongs to.
   *
   * @return an immutable set in the order given; {@code [readiness]} if none was set
   */
  public Set<String> groups() {
    return groups == null ? Set.of(HealthGroups.READINESS) : groups;
  }

  /**
   * Returns whether the check is critical.
   *
   * @return true unless set otherwise
   */
  public boolean critical() {
    return value(critical, HealthSettings.CRITICAL);
  }

  /**
   * Returns the kind set for the registration, overriding the check's own {@link
   * HealthCheck#kind()}.
   *
   * @return the kind, or empty to use the check's own
   */
  public Optional<HealthCheckKind> kind() {
    return Optional.ofNullable(kind);
  }

  /**
   * Returns whether a dependency check may join the liveness group.
   *
   * @return false unless set
   */
  public boolean allowOnLiveness() {
    return allowOnLiveness;
  }

  /**
   * Returns the timeout of one run.
   *
   * @return the timeout; 5s unless set
   */
  public Duration timeout() {
    return value(timeout, HealthSettings.CHECK_TIMEOUT);
  }

  /**
   * Returns how long probes reuse the last result.
   *
   * @return the time to live; 1s unless set, zero for no reuse
   */
  public Duration cacheTtl() {
    return value(cacheTtl, HealthSettings.CACHE_TTL);
  }

  /**
   * Returns whether the check runs in the background.
   *
   * @return false unless set
   */
  public boolean background() {
    return value(background, HealthSettings.BACKGROUND);
  }

  /**
   * Returns the interval between background runs.
   *
   * @return the interval; 60s unless set
   */
  public Duration interval() {
    return value(interval, HealthSettings.CHECK_INTERVAL);
  }

  /**
   * Returns the random spread of each background interval.
   *
   * @return a fraction of the interval; 0.1 unless set
   */
  public double jitter() {
    return value(jitter, HealthSettings.JITTER);
  }

  /**
   * Returns the age after which a background result reports unknown.
   *
   * @return the age; twice the interval plus the timeout unless set
   */
  public Duration unknownAfter() {
    return unknownAfter != null ? unknownAfter : interval().multipliedBy(2).plus(timeout());
  }

  /**
   * Returns the age after which a background result reports unhealthy.
   *
   * @return the age; four times the interval plus the timeout unless set
   */
  public Duration unhealthyAfter() {
    return unhealthyAfter != null ? unhealthyAfter : interval().multipliedBy(4).plus(timeout());
  }

  /**
   * Returns how many consecutive failing runs a healthy check needs to report the failure.
   *
   * @return the threshold; 1 (no damping) unless set
   */
  public int failureThreshold() {
    return value(failureThreshold, HealthSettings.FAILURE_THRESHOLD);
  }

  /**
   * Returns how many consecutive healthy runs a failing check needs to report healthy again.
   *
   * @return the threshold; 1 (no damping) unless set
   */
  public int successThreshold() {
    return value(successThreshold, HealthSettings.SUCCESS_THRESHOLD);
  }

  /**
   * Returns how long a check must have been failing before it reports the failure.
   *
   * @return the time; zero (no damping) unless set
   */
  public Duration minTimeInError() {
    return value(minTimeInError, HealthSettings.MIN_TIME_IN_ERROR);
  }

  // Values as set in code, null when unset; the registry binds them with configuration.
  Set<String> groupsSet() {
    return groups;
  }

  Boolean criticalSet() {
    return critical;
  }

  Duration timeoutSet() {
    return timeout;
  }

  Duration cacheTtlSet() {
    return cacheTtl;
  }

  Boolean backgroundSet() {
    return background;
  }

  Duration intervalSet() {
    return interval;
  }

  Double jitterSet() {
    return jitter;
  }

  Duration unknownAfterSet() {
    return unknownAfter;
  }

  Duration unhealthyAfterSet() {
    return unhealthyAfter;
  }

  Integer failureThresholdSet() {
    return failureThreshold;
  }

  Integer successThresholdSet() {
    return successThreshold;
  }

  Duration minTimeInErrorSet() {
    return minTimeInError;
  }

  private static <T> T value(T set, Setting<T> setting) {
    return set != null ? set : setting.defaultValue().orElseThrow();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HealthCheckConfig c
        && Objects.equals(c.groups, groups)
        && Objects.equals(c.critical, critical)
        && c.kind == kind
        && c.allowOnLiveness == allowOnLiveness
        && Objects.equals(c.timeout, timeout)
        && Objects.equals(c.cacheTtl, cacheTtl)
        && Objects.equals(c.background, background)
        && Objects.equals(c.interval, interval)
        && Objects.equals(c.jitter, jitter)
        && Objects.equals(c.unknownAfter, unknownAfter)
        && Objects.equals(c.unhealthyAfter, unhealthyAfter)
        && Objects.equals(c.failureThreshold, failureThreshold)
        && Objects.equals(c.successThreshold, successThreshold)
        && Objects.equals(c.minTimeInError, minTimeInError);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        groups,
        critical,
        kind,
        allowOnLiveness,
        timeout,
        cacheTtl,
        background,
        interval,
        jitter,
        unknownAfter,
        unhealthyAfter,
        failureThreshold,
        successThreshold,
        minTimeInError);
  }

  @Override
  public String toString() {
    return "HealthCheckConfig[groups="
        + groups()
        + ", critical="
        + critical()
        + ", timeout="
        + DurationText.format(timeout())
        + ", cache-ttl="
        + DurationText.format(cacheTtl())
        + (background()
            ? ", background every " + DurationText.format(interval()) + " ±" + jitter()
            : "")
        + (failureThreshold() > 1 || successThreshold() > 1 || !minTimeInError().isZero()
            ? ", damping "
                + failureThreshold()
                + "/"
                + successThreshold()
                + "/"
                + DurationText.format(minTimeInError())
            : "")
        + "]";
  }

  /** Builds a {@link HealthCheckConfig}. Not thread-safe. */
  public static final class Builder {
    private Set<String> groups;
    private Boolean critical;
    private HealthCheckKind kind;
    private boolean allowOnLiveness;
    private Duration timeout;
    private Duration cacheTtl;
    private Boolean background;
    private Duration interval;
    private Double jitter;
    private Duration unknownAfter;
    private Duration unhealthyAfter;
    private Integer failureThreshold;
    private Integer successThreshold;
    private Duration minTimeInError;

    private Builder() {}

    /**
     * Sets the groups the check belongs to, replacing any set before.
     *
     * @param names group names, such as {@link HealthGroups#READINESS} or a custom name
     * @return this builder
     * @throws IllegalArgumentException if no name is given or a name breaks {@link
     *     HealthGroups#validate(String)}
     */
    public Builder groups(String... names) {
      Checks.notNull("groups", names);
      Checks.check(names.length > 0, "groups", "at least one group", "none");
      Set<String> set = new LinkedHashSet<>();
      for (String name : names) {
        set.add(HealthGroups.validate(name));
      }
      this.groups = set;
      return this;
    }

    /**
     * Sets whether the check is critical. Default true.
     *
     * @param critical false to let a failure make groups only degraded
     * @return this builder
     */
    public Builder critical(boolean critical) {
      this.critical = critical;
      return this;
    }

    /**
     * Overrides the check's own {@link HealthCheck#kind()}, such as marking a lambda that calls a
     * database as {@link HealthCheckKind#DATASTORE}.
     *
     * @param kind the kind
     * @return this builder
     * @throws NullPointerException if {@code kind} is null
     */
    public Builder kind(HealthCheckKind kind) {
      this.kind = Checks.notNull("kind", kind);
      return this;
    }

    /**
     * Lets a dependency check join the liveness group. Off by default, because a dependency outage
     * would then restart every instance at once; opt in only for a dependency without which a
     * restart really helps.
     *
     * @param allow true to allow
     * @return this builder
     */
    public Builder allowOnLiveness(boolean allow) {
      this.allowOnLiveness = allow;
      return this;
    }

    /**
     * Sets the timeout of one run. Default 5s.
     *
     * @param timeout 1 ms to 1 h ({@link HealthSettings#CHECK_TIMEOUT})
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is out of range
     */
    public Builder timeout(Duration timeout) {
      this.timeout = HealthSettings.CHECK_TIMEOUT.check(timeout);
      return this;
    }

    /**
     * Sets how long probes reuse the last result. Default 1s; zero runs the check for every probe
     * that does not overlap a run in flight.
     *
     * @param ttl zero to 1 h ({@link HealthSettings#CACHE_TTL})
     * @return this builder
     * @throws IllegalArgumentException if {@code ttl} is out of range
     */
    public Builder cacheTtl(Duration ttl) {
      this.cacheTtl = HealthSettings.CACHE_TTL.check(ttl);
      return this;
    }

    /**
     * Runs the check in the background on the registry's schedule. Default off.
     *
     * @param background true to run in the background
     * @return this builder
     */
    public Builder background(boolean background) {
      this.background = background;
      return this;
    }

    /**
     * Sets the interval between background runs. Default 60s.
     *
     * @param interval 10 ms to one day ({@link HealthSettings#CHECK_INTERVAL})
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is out of range
     */
    public Builder interval(Duration interval) {
      this.interval = HealthSettings.CHECK_INTERVAL.check(interval);
      return this;
    }

    /**
     * Sets the random spread of each background interval. Default 0.1.
     *
     * @param fraction between 0.0 and 0.5
     * @return this builder
     * @throws IllegalArgumentException if {@code fraction} is outside that range
     */
    public Builder jitter(double fraction) {
      this.jitter = HealthSettings.JITTER.check(fraction);
      return this;
    }

    /**
     * Sets the age after which a background result reports unknown.
     *
     * @param age 1 ms to 7 days ({@link HealthSettings#UNKNOWN_AFTER})
     * @return this builder
     * @throws IllegalArgumentException if {@code age} is out of range
     */
    public Builder unknownAfter(Duration age) {
      this.unknownAfter = HealthSettings.UNKNOWN_AFTER.check(age);
      return this;
    }

    /**
     * Sets the age after which a background result reports unhealthy.
     *
     * @param age 1 ms to 7 days, and not shorter than unknown-after
     * @return this builder
     * @throws IllegalArgumentException if {@code age} is out of range
     */
    public Builder unhealthyAfter(Duration age) {
      this.unhealthyAfter = HealthSettings.UNHEALTHY_AFTER.check(age);
      return this;
    }

    /**
     * Sets how many consecutive failing runs a healthy check needs to report the failure. Default
     * 1.
     *
     * @param runs between 1 and 1000
     * @return this builder
     * @throws IllegalArgumentException if {@code runs} is outside that range
     */
    public Builder failureThreshold(int runs) {
      this.failureThreshold = HealthSettings.FAILURE_THRESHOLD.check(runs);
      return this;
    }

    /**
     * Sets how many consecutive healthy runs a failing check needs to report healthy again. Default
     * 1.
     *
     * @param runs between 1 and 1000
     * @return this builder
     * @throws IllegalArgumentException if {@code runs} is outside that range
     */
    public Builder successThreshold(int runs) {
      this.successThreshold = HealthSettings.SUCCESS_THRESHOLD.check(runs);
      return this;
    }

    /**
     * Sets how long a check must have been failing before it reports the failure. Default zero.
     *
     * @param time zero to one day ({@link HealthSettings#MIN_TIME_IN_ERROR})
     * @return this builder
     * @throws IllegalArgumentException if {@code time} is out of range
     */
    public Builder minTimeInError(Duration time) {
      this.minTimeInError = HealthSettings.MIN_TIME_IN_ERROR.check(time);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     * @throws IllegalArgumentException if unhealthy-after is shorter than unknown-after
     */
    public HealthCheckConfig build() {
      if (unknownAfter != null && unhealthyAfter != null) {
        Checks.check(
            unhealthyAfter.compareTo(unknownAfter) >= 0,
            "unhealthy-after",
            "at least unknown-after (" + DurationText.format(unknownAfter) + ")",
            DurationText.format(unhealthyAfter));
      }
      return new HealthCheckConfig(this);
    }
  }
}
