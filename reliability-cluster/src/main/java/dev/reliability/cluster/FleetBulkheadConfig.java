package dev.reliability.cluster;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a {@link FleetBulkhead}: at most {@link #maxConcurrentCalls()} calls in flight
 * across the whole fleet, each holding a lease on the engine that expires after {@link #leaseTtl()}
 * unless its instance renews it (every third of the time to live), so a crashed instance's permits
 * come back.
 *
 * <pre>{@code
 * FleetBulkheadConfig legacyDb = FleetBulkheadConfig.builder("legacy-db")
 *     .maxConcurrentCalls(100)
 *     .leaseTtl(Duration.ofSeconds(30))
 *     .build();
 * }</pre>
 *
 * <p>While the engine fails, this instance allows at most {@link #localShare()} calls in flight
 * (default {@code ceil(maxConcurrentCalls / expectedInstances)}). Configuration keys: prefix
 * {@value #CONFIG_PREFIX}, see {@link #SETTINGS}. Immutable and thread-safe.
 */
public final class FleetBulkheadConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.fleet.bulkhead";

  /** Settings may be set per bulkhead name as well as for every bulkhead. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** Calls in flight allowed across the fleet. */
  public static final Setting<Integer> MAX_CONCURRENT_CALLS =
      Setting.intSetting("max-concurrent-calls")
          .defaultValue(100)
          .between(1, 1_000_000)
          .description("Calls in flight allowed across the whole fleet")
          .build();

  /** How long a lease lives unless renewed. */
  public static final Setting<Duration> LEASE_TTL =
      Setting.durationSetting("lease-ttl")
          .defaultValue(Duration.ofSeconds(30))
          .between(Duration.ofMillis(300), Duration.ofHours(1))
          .description(
              "How long a lease lives unless its instance renews it (every third of it): the time"
                  + " a crashed instance's permits take to come back")
          .build();

  /** This instance's limit while the engine fails; 0 derives it. */
  public static final Setting<Integer> LOCAL_SHARE =
      Setting.intSetting("local-share")
          .defaultValue(0)
          .between(0, 1_000_000)
          .description(
              "Calls in flight this instance allows while the engine fails; 0 means the limit"
                  + " divided by the engine's expected instances, rounded up")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(MAX_CONCURRENT_CALLS, LEASE_TTL, LOCAL_SHARE);

  private final String name;
  private final int maxConcurrentCalls;
  private final Duration leaseTtl;
  private final int localShare;

  private FleetBulkheadConfig(Builder b) {
    this.name = b.name;
    this.maxConcurrentCalls = b.maxConcurrentCalls;
    this.leaseTtl = b.leaseTtl;
    this.localShare = b.localShare;
  }

  /**
   * Returns a builder with the defaults: 100 calls, leases of 30 s.
   *
   * @param name the bulkhead's name, the leases' key on the engine and the instance name of its
   *     settings: 1 to 64 letters, digits, {@code -} or {@code _}
   * @return a builder
   * @throws IllegalArgumentException if the name is invalid
   */
  public static Builder builder(String name) {
    return new Builder(FleetRateLimitConfig.checkName(name));
  }

  /**
   * Returns a builder holding this configuration's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns the bulkhead's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the calls in flight allowed across the fleet.
   *
   * @return the limit
   */
  public int maxConcurrentCalls() {
    return maxConcurrentCalls;
  }

  /**
   * Returns how long a lease lives unless renewed.
   *
   * @return the time to live
   */
  public Duration leaseTtl() {
    return leaseTtl;
  }

  /**
   * Returns the configured local share.
   *
   * @return calls in flight, or 0 to derive it from the engine's expected instances
   */
  public int localShare() {
    return localShare;
  }

  /**
   * Returns this configuration with the settings found in a source: {@code
   * reliability.fleet.bulkhead.<setting>} for every bulkhead, {@code
   * reliability.fleet.bulkhead.<name>.<setting>} for this one. A {@link FleetEngine} built with a
   * config source applies it to every bulkhead it creates.
   *
   * @param source the source
   * @return the configuration, or this one if the source sets nothing
   * @throws dev.reliability.core.config.ConfigurationException if a value is invalid
   */
  public FleetBulkheadConfig withOverrides(ConfigSource source) {
    ConfigBinder b =
        ConfigBinder.of(Checks.notNull("source", source), CONFIG_PREFIX).instance(name);
    Builder out = toBuilder();
    out.maxConcurrentCalls = b.get(MAX_CONCURRENT_CALLS, maxConcurrentCalls);
    out.leaseTtl = b.get(LEASE_TTL, leaseTtl);
    out.localShare = b.get(LOCAL_SHARE, localShare);
    b.throwIfInvalid();
    FleetBulkheadConfig c = out.build();
    return c.equals(this) ? this : c;
  }

  int localShare(int expectedInstances) {
    return localShare > 0
        ? localShare
        : Math.max(1, (maxConcurrentCalls + expectedInstances - 1) / expectedInstances);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FleetBulkheadConfig c
        && c.name.equals(name)
        && c.maxConcurrentCalls == maxConcurrentCalls
        && c.leaseTtl.equals(leaseTtl)
        && c.localShare == localShare;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, maxConcurrentCalls, leaseTtl, localShare);
  }

  @Override
  public String toString() {
    return "FleetBulkheadConfig["
        + name
        + ": maxConcurrentCalls="
        + maxConcurrentCalls
        + ", leaseTtl="
        + DurationText.format(leaseTtl)
        + (localShare > 0 ? ", localShare=" + localShare : "")
        + "]";
  }

  /** Builds a {@link FleetBulkheadConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private int maxConcurrentCalls = MAX_CONCURRENT_CALLS.defaultValue().orElseThrow();
    private Duration leaseTtl = LEASE_TTL.defaultValue().orElseThrow();
    private int localShare = LOCAL_SHARE.defaultValue().orElseThrow();

    private Builder(String name) {
      this.name = name;
    }

    private Builder(FleetBulkheadConfig c) {
      this.name = c.name;
      this.maxConcurrentCalls = c.maxConcurrentCalls;
      this.leaseTtl = c.leaseTtl;
      this.localShare = c.localShare;
    }

    /**
     * Sets the calls in flight allowed across the fleet. Default 100.
     *
     * @param max 1 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxConcurrentCalls(int max) {
      this.maxConcurrentCalls = MAX_CONCURRENT_CALLS.check(max);
      return this;
    }

    /**
     * Sets how long a lease lives unless renewed; leases are renewed every third of it. Default 30
     * s.
     *
     * @param ttl 300 ms to 1 h
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder leaseTtl(Duration ttl) {
      this.leaseTtl = LEASE_TTL.check(ttl);
      return this;
    }

    /**
     * Sets the calls in flight this instance allows while the engine fails. Default 0: the limit
     * divided by the engine's expected instances, rounded up.
     *
     * @param localShare 0 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder localShare(int localShare) {
      this.localShare = LOCAL_SHARE.check(localShare);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     */
    public FleetBulkheadConfig build() {
      Checks.notNull("name", name);
      return new FleetBulkheadConfig(this);
    }
  }
}
