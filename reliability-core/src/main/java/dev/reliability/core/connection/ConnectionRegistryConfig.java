package dev.reliability.core.connection;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.List;

/**
 * The settings of a {@link ConnectionRegistry}: capacity, admission, expiry, heartbeat,
 * slow-consumer protection and shutdown.
 *
 * <p>Every setting can also be given by system property or environment variable under the prefix
 * {@code reliability.websocket} (see {@link ConfigBinder} for precedence): {@code
 * RELIABILITY_WEBSOCKET_MAX_CONNECTIONS} for all registries, {@code
 * RELIABILITY_WEBSOCKET_CHAT_MAX_CONNECTIONS} for the one named {@code chat}. A value found in the
 * source given to {@link #withOverrides(ConfigSource)} (or to {@link
 * ConnectionRegistry.Builder#configSource(ConfigSource)}, which applies it when the registry is
 * built) wins over the value set in code, which wins over the default.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>Setting</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>max-connections</td><td>1000</td><td>global capacity (seed 000)</td></tr>
 *   <tr><td>max-connections-per-key</td><td>0</td><td>capacity per key; 0 for no per-key
 *       limit</td></tr>
 *   <tr><td>over-capacity-close-code</td><td>1013</td><td>close code for connections refused after
 *       the upgrade: 1013 (try again later) or 1008 (policy violation)</td></tr>
 *   <tr><td>retry-after</td><td>5s</td><td>hint for refused clients (HTTP {@code
 *       Retry-After})</td></tr>
 *   <tr><td>reservation-timeout</td><td>5s</td><td>reservations neither committed nor released
 *       in time are released (the last resort: the adapters release them when the handshake fails
 *       or its connection closes before open)</td></tr>
 *   <tr><td>idle-timeout</td><td>5m</td><td>close after no activity; 0 disables</td></tr>
 *   <tr><td>max-age</td><td>1h</td><td>close connections older than this (seed 000); 0
 *       disables</td></tr>
 *   <tr><td>heartbeat-interval</td><td>30s</td><td>ping interval; 0 disables</td></tr>
 *   <tr><td>heartbeat-missed-pongs</td><td>2</td><td>close after this many pings without a
 *       pong</td></tr>
 *   <tr><td>max-queued-messages</td><td>1024</td><td>outbound queue bound, in messages</td></tr>
 *   <tr><td>max-queued-bytes</td><td>1MB</td><td>outbound queue bound, in bytes</td></tr>
 *   <tr><td>overflow-policy</td><td>close</td><td>drop-newest, drop-oldest or close (1008)</td></tr>
 *   <tr><td>send-timeout</td><td>10s</td><td>close a connection whose send stalls this long; 0
 *       disables</td></tr>
 *   <tr><td>shutdown-close-code</td><td>1001</td><td>1001 (going away) or 1012 (service
 *       restart)</td></tr>
 *   <tr><td>drain-timeout</td><td>10s</td><td>how long {@link ConnectionRegistry#close()} waits for
 *       connections to close</td></tr>
 *   <tr><td>sweep-interval</td><td>1s</td><td>how often the registry's thread sweeps; 0 for no
 *       thread (call {@link ConnectionRegistry#sweep()} yourself)</td></tr>
 * </table>
 *
 * <p><b>Close code at capacity.</b> The default is 1013 ("try again later"), the registered code
 * for a temporary overload, which tells clients to reconnect with back-off. Seed 000 used 1008
 * ("policy violation"), which clients read as their own fault; set {@code
 * over-capacity-close-code=1008} to keep that behaviour.
 *
 * <p>Each builder setter checks its value with the setting's own rule ({@link Setting#check}), so a
 * value is accepted in code exactly when its text is accepted from a configuration source, with the
 * same message.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConnectionRegistryConfig {

  /** The prefix of every setting: {@code reliability.websocket}. */
  public static final String CONFIG_PREFIX = "reliability.websocket";

  /** Settings may be set per registry name as well as for all registries. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** The name of a registry built without one. */
  public static final String DEFAULT_NAME = "websocket";

  /** Global capacity. */
  public static final Setting<Integer> MAX_CONNECTIONS =
      Setting.intSetting("max-connections")
          .defaultValue(1000)
          .between(1, 10_000_000)
          .description("Connections the registry holds at most, reservations included")
          .build();

  /** Capacity per key. */
  public static final Setting<Integer> MAX_CONNECTIONS_PER_KEY =
      Setting.intSetting("max-connections-per-key")
          .defaultValue(0)
          .between(0, 10_000_000)
          .description(
              "Connections one key (user, tenant or address) holds at most; 0 for no limit")
          .build();

  /** Close code when refusing at the open callback. */
  public static final Setting<Integer> OVER_CAPACITY_CLOSE_CODE =
      Setting.intSetting("over-capacity-close-code")
          .defaultValue(CloseStatus.TRY_AGAIN_LATER)
          .rule(
              v -> v == CloseStatus.TRY_AGAIN_LATER || v == CloseStatus.POLICY_VIOLATION,
              "1013 or 1008")
          .description("Close code for connections refused after the upgrade: 1013 or 1008")
          .build();

  /** Retry hint for refused clients. */
  public static final Setting<Duration> RETRY_AFTER =
      Setting.durationSetting("retry-after")
          .defaultValue(Duration.ofSeconds(5))
          .between(Duration.ofSeconds(1), Duration.ofHours(1))
          .description("How long refused clients are told to wait (HTTP Retry-After)")
          .build();

  /** Reservation timeout. */
  public static final Setting<Duration> RESERVATION_TIMEOUT =
      Setting.durationSetting("reservation-timeout")
          .defaultValue(Duration.ofSeconds(5))
          .between(Duration.ofMillis(1), Duration.ofHours(1))
          .description("Reservations neither committed nor released within this are released")
          .build();

  /** Idle timeout. */
  public static final Setting<Duration> IDLE_TIMEOUT =
      Setting.durationSetting("idle-timeout")
          .defaultValue(Duration.ofMinutes(5))
          .between(Duration.ZERO, Duration.ofDays(365))
          .description("Close connections without activity for this long; 0 disables")
          .build();

  /** Maximum age. */
  public static final Setting<Duration> MAX_AGE =
      Setting.durationSetting("max-age")
          .defaultValue(Duration.ofHours(1))
          .between(Duration.ZERO, Duration.ofDays(365))
          .description("Close connections open for this long; 0 disables")
          .build();

  /** Heartbeat ping interval. */
  public static final Setting<Duration> HEARTBEAT_INTERVAL =
      Setting.durationSetting("heartbeat-interval")
          .defaultValue(Duration.ofSeconds(30))
          .between(Duration.ZERO, Duration.ofDays(1))
          .description("Send a ping this often; 0 disables the heartbeat")
          .build();

  /** Pings without a pong before closing. */
  public static final Setting<Integer> HEARTBEAT_MISSED_PONGS =
      Setting.intSetting("heartbeat-missed-pongs")
          .defaultValue(2)
          .between(1, 100)
          .description("Close a connection after this many pings without a pong")
          .build();

  /** Outbound queue bound in messages. */
  public static final Setting<Integer> MAX_QUEUED_MESSAGES =
      Setting.intSetting("max-queued-messages")
          .defaultValue(1024)
          .between(1, 10_000_000)
          .description("Messages a connection may have waiting behind the send in flight")
          .build();

  /** Outbound queue bound in bytes. */
  public static final Setting<Long> MAX_QUEUED_BYTES =
      Setting.sizeSetting("max-queued-bytes")
          .defaultValue(1L << 20)
          .between(1L, 1L << 40)
          .description("Bytes a connection may have waiting behind the send in flight")
          .build();

  /** Overflow policy. */
  public static final Setting<OverflowPolicy> OVERFLOW_POLICY =
      Setting.enumSetting("overflow-policy", OverflowPolicy.class)
          .defaultValue(OverflowPolicy.CLOSE)
          .description("What a full outbound queue does: drop-newest, drop-oldest or close (1008)")
          .build();

  /** Send watchdog limit. */
  public static final Setting<Duration> SEND_TIMEOUT =
      Setting.durationSetting("send-timeout")
          .defaultValue(Duration.ofSeconds(10))
          .between(Duration.ZERO, Duration.ofHours(1))
          .description("Close a connection whose send has not completed for this long; 0 disables")
          .build();

  /** Close code at shutdown. */
  public static final Setting<Integer> SHUTDOWN_CLOSE_CODE =
      Setting.intSetting("shutdown-close-code")
          .defaultValue(CloseStatus.GOING_AWAY)
          .rule(
              v -> v == CloseStatus.GOING_AWAY || v == CloseStatus.SERVICE_RESTART, "1001 or 1012")
          .description("Close code at shutdown: 1001 (going away) or 1012 (service restart)")
          .build();

  /** Graceful drain deadline. */
  public static final Setting<Duration> DRAIN_TIMEOUT =
      Setting.durationSetting("drain-timeout")
          .defaultValue(Duration.ofSeconds(10))
          .between(Duration.ZERO, Duration.ofHours(1))
          .description("How long closing the registry waits for connections to finish closing")
          .build();

  /** Sweep interval of the registry's own thread. */
  public static final Setting<Duration> SWEEP_INTERVAL =
      Setting.durationSetting("sweep-interval")
          .defaultValue(Duration.ofSeconds(1))
          .between(Duration.ZERO, Duration.ofMinutes(10))
          .description("How often the registry's thread sweeps; 0 for no thread")
          .build();

  /** Every setting, for the configuration reference. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          MAX_CONNECTIONS,
          MAX_CONNECTIONS_PER_KEY,
          OVER_CAPACITY_CLOSE_CODE,
          RETRY_AFTER,
          RESERVATION_TIMEOUT,
          IDLE_TIMEOUT,
          MAX_AGE,
          HEARTBEAT_INTERVAL,
          HEARTBEAT_MISSED_PONGS,
          MAX_QUEUED_MESSAGES,
          MAX_QUEUED_BYTES,
          OVERFLOW_POLICY,
          SEND_TIMEOUT,
          SHUTDOWN_CLOSE_CODE,
          DRAIN_TIMEOUT,
          SWEEP_INTERVAL);

  private final String name;
  private final int maxConnections;
  private final int maxConnectionsPerKey;
  private final CloseStatus overCapacityStatus;
  private final Duration retryAfter;
  private final Duration reservationTimeout;
  private final Duration idleTimeout;
  private final Duration maxAge;
  private final Duration heartbeatInterval;
  private final int heartbeatMissedPongs;
  private final int maxQueuedMessages;
  private final long maxQueuedBytes;
  private final OverflowPolicy overflowPolicy;
  private final Duration sendTimeout;
  private final CloseStatus shutdownStatus;
  private final Duration drainTimeout;
  private final Duration sweepInterval;

  private ConnectionRegistryConfig(Builder b, ConfigBinder config) {
    this.name = b.name;
    this.maxConnections = config.get(MAX_CONNECTIONS, b.maxConnections);
    this.maxConnectionsPerKey = config.get(MAX_CONNECTIONS_PER_KEY, b.maxConnectionsPerKey);
    this.overCapacityStatus =
        CloseStatus.of(
            config.get(OVER_CAPACITY_CLOSE_CODE, b.overCapacityCloseCode),
            "Max connections reached");
    this.retryAfter = config.get(RETRY_AFTER, b.retryAfter);
    this.reservationTimeout = config.get(RESERVATION_TIMEOUT, b.reservationTimeout);
    this.idleTimeout = config.get(IDLE_TIMEOUT, b.idleTimeout);
    this.maxAge = config.get(MAX_AGE, b.maxAge);
    this.heartbeatInterval = config.get(HEARTBEAT_INTERVAL, b.heartbeatInterval);
    this.heartbeatMissedPongs = config.get(HEARTBEAT_MISSED_PONGS, b.heartbeatMissedPongs);
    this.maxQueuedMessages = config.get(MAX_QUEUED_MESSAGES, b.maxQueuedMessages);
    this.maxQueuedBytes = config.get(MAX_QUEUED_BYTES, b.maxQueuedBytes);
    this.overflowPolicy = config.get(OVERFLOW_POLICY, b.overflowPolicy);
    this.sendTimeout = config.get(SEND_TIMEOUT, b.sendTimeout);
    int shutdownCode = config.get(SHUTDOWN_CLOSE_CODE, b.shutdownCloseCode);
    this.shutdownStatus =
        CloseStatus.of(
            shutdownCode,
            shutdownCode == CloseStatus.SERVICE_RESTART
                ? "Service restart"
                : "Server shutting down");
    this.drainTimeout = config.get(DRAIN_TIMEOUT, b.drainTimeout);
    this.sweepInterval = config.get(SWEEP_INTERVAL, b.sweepInterval);
  }

  /**
   * Returns a builder with every setting at its default.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder starting from this configuration's values, to derive a variant; this
   * configuration is unchanged.
   *
   * @return a new builder holding this configuration's values
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.maxConnections = maxConnections;
    b.maxConnectionsPerKey = maxConnectionsPerKey;
    b.overCapacityCloseCode = overCapacityStatus.code();
    b.retryAfter = retryAfter;
    b.reservationTimeout = reservationTimeout;
    b.idleTimeout = idleTimeout;
    b.maxAge = maxAge;
    b.heartbeatInterval = heartbeatInterval;
    b.heartbeatMissedPongs = heartbeatMissedPongs;
    b.maxQueuedMessages = maxQueuedMessages;
    b.maxQueuedBytes = maxQueuedBytes;
    b.overflowPolicy = overflowPolicy;
    b.sendTimeout = sendTimeout;
    b.shutdownCloseCode = shutdownStatus.code();
    b.drainTimeout = drainTimeout;
    b.sweepInterval = sweepInterval;
    return b;
  }

  /**
   * Returns the defaults, without reading any configuration source.
   *
   * @return the default configuration
   */
  public static ConnectionRegistryConfig ofDefaults() {
    return builder().build();
  }

  /**
   * Returns this configuration with every setting the source sets replaced: the registry's own key
   * ({@code reliability.websocket.<name>.max-connections}), then the shared key ({@code
   * reliability.websocket.max-connections}), then the value set in code, then the default.
   *
   * <pre>{@code
   * ConnectionRegistryConfig config = ConnectionRegistryConfig.builder().name("chat").build()
   *     .withOverrides(ConfigSource.standard());
   * }</pre>
   *
   * @param source where overrides come from, such as {@link ConfigSource#standard()}
   * @return a new configuration; this one is unchanged
   * @throws ConfigurationException listing every invalid value found in the source
   */
  public ConnectionRegistryConfig withOverrides(ConfigSource source) {
    Checks.notNull("source", source);
    return toBuilder().build(source);
  }

  /**
   * Returns the registry name: metric tag, thread name and configuration instance.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the global capacity.
   *
   * @return at least 1
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * Returns the capacity per key.
   *
   * @return the limit, or 0 for none
   */
  public int maxConnectionsPerKey() {
    return maxConnectionsPerKey;
  }

  /**
   * Returns the status sent to connections refused after the upgrade.
   *
   * @return 1013 or 1008 with reason {@code "Max connections reached"}
   */
  public CloseStatus overCapacityStatus() {
    return overCapacityStatus;
  }

  /**
   * Returns the retry hint for refused clients.
   *
   * @return the hint
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  /**
   * Returns how long a reservation may wait for commit or release.
   *
   * @return the timeout
   */
  public Duration reservationTimeout() {
    return reservationTimeout;
  }

  /**
   * Returns the idle timeout.
   *
   * @return the timeout, or zero if disabled
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * Returns the maximum age.
   *
   * @return the age, or zero if disabled
   */
  public Duration maxAge() {
    return maxAge;
  }

  /**
   * Returns the heartbeat ping interval.
   *
   * @return the interval, or zero if disabled
   */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /**
   * Returns how many pings may go without a pong before the connection is closed.
   *
   * @return at least 1
   */
  public int heartbeatMissedPongs() {
    return heartbeatMissedPongs;
  }

  /**
   * Returns the outbound queue bound in messages.
   *
   * @return at least 1
   */
  public int maxQueuedMessages() {
    return maxQueuedMessages;
  }

  /**
   * Returns the outbound queue bound in bytes.
   *
   * @return at least 1
   */
  public long maxQueuedBytes() {
    return maxQueuedBytes;
  }

  /**
   * Returns what a full outbound queue does.
   *
   * @return the policy
   */
  public OverflowPolicy overflowPolicy() {
    return overflowPolicy;
  }

  /**
   * Returns the send watchdog limit.
   *
   * @return the limit, or zero if disabled
   */
  public Duration sendTimeout() {
    return sendTimeout;
  }

  /**
   * Returns the status sent to every connection at shutdown.
   *
   * @return 1001 {@code "Server shutting down"} or 1012 {@code "Service restart"}
   */
  public CloseStatus shutdownStatus() {
    return shutdownStatus;
  }

  /**
   * Returns how long closing the registry waits for connections to close.
   *
   * @return the deadline
   */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /**
   * Returns how often the registry's own thread sweeps.
   *
   * @return the interval, or zero for no thread
   */
  public Duration sweepInterval() {
    return sweepInterval;
  }

  @Override
  public String toString() {
    return "ConnectionRegistryConfig{name="
        + name
        + ", maxConnections="
        + maxConnections
        + ", maxConnectionsPerKey="
        + maxConnectionsPerKey
        + ", overCapacity="
        + overCapacityStatus.code()
        + ", idleTimeout="
        + DurationText.format(idleTimeout)
        + ", maxAge="
        + DurationText.format(maxAge)
        + ", heartbeat="
        + DurationText.format(heartbeatInterval)
        + "x"
        + heartbeatMissedPongs
        + ", queue="
        + maxQueuedMessages
        + "/"
        + maxQueuedBytes
        + "B "
        + overflowPolicy
        + ", sendTimeout="
        + DurationText.format(sendTimeout)
        + ", shutdown="
        + shutdownStatus.code()
        + "}";
  }

  /**
   * Builds a {@link ConnectionRegistryConfig}. Setters validate at once; {@link #build()} then
   * reads the configuration source and fails with every invalid value it found. Not thread-safe.
   */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private Integer maxConnections;
    private Integer maxConnectionsPerKey;
    private Integer overCapacityCloseCode;
    private Duration retryAfter;
    private Duration reservationTimeout;
    private Duration idleTimeout;
    private Duration maxAge;
    private Duration heartbeatInterval;
    private Integer heartbeatMissedPongs;
    private Integer maxQueuedMessages;
    private Long maxQueuedBytes;
    private OverflowPolicy overflowPolicy;
    private Duration sendTimeout;
    private Integer shutdownCloseCode;
    private Duration drainTimeout;
    private Duration sweepInterval;

    private Builder() {}

    /**
     * Sets the registry name. Default {@code websocket}.
     *
     * @param name letters, digits, {@code -} and {@code _}
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or has other characters
     */
    public Builder name(String name) {
      Checks.notBlank("name", name);
      Checks.check(
          name.matches("[A-Za-z0-9][A-Za-z0-9_-]*"),
          "name",
          "letters, digits, '-' and '_'",
          "\"" + name + "\"");
      this.name = name;
      return this;
    }

    /**
     * Sets the global capacity. Default 1000.
     *
     * @param max 1 to 10,000,000
     * @return this builder
     */
    public Builder maxConnections(int max) {
      this.maxConnections = MAX_CONNECTIONS.check(max);
      return this;
    }

    /**
     * Sets the capacity per key. Default 0, no per-key limit.
     *
     * @param max 0 for none, or the limit, up to 10,000,000
     * @return this builder
     */
    public Builder maxConnectionsPerKey(int max) {
      this.maxConnectionsPerKey = MAX_CONNECTIONS_PER_KEY.check(max);
      return this;
    }

    /**
     * Sets the close code for connections refused after the upgrade. Default 1013.
     *
     * @param code {@link CloseStatus#TRY_AGAIN_LATER} or {@link CloseStatus#POLICY_VIOLATION}
     * @return this builder
     */
    public Builder overCapacityCloseCode(int code) {
      this.overCapacityCloseCode = OVER_CAPACITY_CLOSE_CODE.check(code);
      return this;
    }

    /**
     * Sets the retry hint given to refused clients. Default 5s.
     *
     * @param retryAfter between 1s and 1h
     * @return this builder
     */
    public Builder retryAfter(Duration retryAfter) {
      this.retryAfter = RETRY_AFTER.check(retryAfter);
      return this;
    }

    /**
     * Sets how long a reservation may wait for commit or release. Default 5s: a handshake on
     * loopback or a LAN takes milliseconds, and the adapters release the reservations of failed
     * handshakes themselves, so the timeout only bounds what a lost handshake can hold.
     *
     * @param timeout 1 ms to 1 h
     * @return this builder
     */
    public Builder reservationTimeout(Duration timeout) {
      this.reservationTimeout = RESERVATION_TIMEOUT.check(timeout);
      return this;
    }

    /**
     * Sets the idle timeout. Default 5m.
     *
     * @param timeout zero to disable
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = IDLE_TIMEOUT.check(timeout);
      return this;
    }

    /**
     * Sets the maximum age. Default 1h.
     *
     * @param maxAge zero to disable, at most 365 days
     * @return this builder
     */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = MAX_AGE.check(maxAge);
      return this;
    }

    /**
     * Sets the heartbeat: ping every {@code interval}, close after {@code missedPongs} pings
     * without a pong. Default 30s and 2.
     *
     * @param interval zero to disable, at most one day
     * @param missedPongs between 1 and 100
     * @return this builder
     */
    public Builder heartbeat(Duration interval, int missedPongs) {
      this.heartbeatInterval = HEARTBEAT_INTERVAL.check(interval);
      this.heartbeatMissedPongs = HEARTBEAT_MISSED_PONGS.check(missedPongs);
      return this;
    }

    /**
     * Sets the outbound queue bounds and overflow policy. Defaults 1024 messages, 1MB, {@link
     * OverflowPolicy#CLOSE}.
     *
     * @param maxMessages messages waiting behind the send in flight, 1 to 10,000,000
     * @param maxBytes bytes waiting behind the send in flight, 1 B to 1 TB
     * @param policy what a full queue does
     * @return this builder
     */
    public Builder outboundQueue(int maxMessages, long maxBytes, OverflowPolicy policy) {
      this.maxQueuedMessages = MAX_QUEUED_MESSAGES.check(maxMessages);
      this.maxQueuedBytes = MAX_QUEUED_BYTES.check(maxBytes);
      this.overflowPolicy = OVERFLOW_POLICY.check(policy);
      return this;
    }

    /**
     * Sets the send watchdog limit. Default 10s.
     *
     * @param timeout zero to disable
     * @return this builder
     */
    public Builder sendTimeout(Duration timeout) {
      this.sendTimeout = SEND_TIMEOUT.check(timeout);
      return this;
    }

    /**
     * Sets the close code sent at shutdown. Default 1001.
     *
     * @param code {@link CloseStatus#GOING_AWAY} or {@link CloseStatus#SERVICE_RESTART}
     * @return this builder
     */
    public Builder shutdownCloseCode(int code) {
      this.shutdownCloseCode = SHUTDOWN_CLOSE_CODE.check(code);
      return this;
    }

    /**
     * Sets how long {@link ConnectionRegistry#close()} waits for connections to close. Default 10s.
     *
     * @param timeout zero or longer, at most one hour
     * @return this builder
     */
    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = DRAIN_TIMEOUT.check(timeout);
      return this;
    }

    /**
     * Sets how often the registry's own daemon thread sweeps. Default 1s; zero for no thread, when
     * the application calls {@link ConnectionRegistry#sweep()} (tests with a manual time source
     * do).
     *
     * @param interval zero or longer, at most ten minutes
     * @return this builder
     */
    public Builder sweepInterval(Duration interval) {
      this.sweepInterval = SWEEP_INTERVAL.check(interval);
      return this;
    }

    /**
     * Builds the configuration from the values set in code and the defaults; no configuration
     * source is read (see {@link ConnectionRegistryConfig#withOverrides(ConfigSource)}).
     *
     * @return an immutable configuration
     */
    public ConnectionRegistryConfig build() {
      return build(ConfigSource.empty());
    }

    private ConnectionRegistryConfig build(ConfigSource source) {
      ConfigBinder config = ConfigBinder.of(source, CONFIG_PREFIX).instance(name);
      ConnectionRegistryConfig result = new ConnectionRegistryConfig(this, config);
      config.throwIfInvalid();
      return result;
    }
  }
}
