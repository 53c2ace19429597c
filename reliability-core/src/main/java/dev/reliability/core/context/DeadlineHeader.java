package dev.reliability.core.context;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.core.time.TimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link Deadline} travels between services: as the time left, in whole milliseconds, in one
 * request header ({@value #DEFAULT_NAME} by default).
 *
 * <p>The header carries a relative time, not a timestamp, because the hosts' clocks disagree; the
 * receiver starts its own deadline from the value when the request arrives (gRPC's {@code
 * grpc-timeout} works the same way, and Envoy's {@code x-envoy-expected-rq-timeout-ms} uses the
 * same unit). Plain decimal milliseconds keep the value readable in logs and easy to set by hand
 * with {@code curl}.
 *
 * <p>A value from outside is trusted only so far: it must be 1 to 10 ASCII digits (spaces around
 * them are ignored); anything else (a sign, letters, a fraction, more digits) is ignored as if the
 * header were absent, counted ({@link #malformedValues()}) and logged once, never an error for the
 * caller. A value above {@link #maxInbound()} (60 s by default) is clipped to it, so a caller
 * cannot make this service hold resources for longer than it allows. Parsing is one linear pass
 * over at most 32 characters; a longer value is refused by its length.
 *
 * <pre>{@code
 * DeadlineHeader header = DeadlineHeader.builder().maxInbound(Duration.ofSeconds(10)).build();
 * Deadline deadline = header.read("250", time);   // 250 ms from now, or null
 * }</pre>
 *
 * <p>The tracing module's request-context filters read it ({@code RequestTracing.deadlineHeader})
 * and its {@code HttpClientTracing} writes it. Configuration keys: prefix {@value #CONFIG_PREFIX},
 * see {@link #SETTINGS}. Immutable and thread-safe; the counter of malformed values is shared by
 * every user of one instance.
 */
public final class DeadlineHeader {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.deadline";

  /** The default header name. */
  public static final String DEFAULT_NAME = "X-Request-Timeout-Ms";

  /** The most digits a value may have: 10 digits is over 115 days in milliseconds. */
  public static final int MAX_DIGITS = 10;

  /** The longest value looked at; longer ones are malformed without being scanned. */
  static final int MAX_LENGTH = 32;

  private static final Logger LOG = LoggerFactory.getLogger(DeadlineHeader.class);

  private static final String HEADER_RULE = "an HTTP header name of 1 to 64 letters, digits or '-'";

  /** Whether the header is read from requests and written on outgoing calls. */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .defaultValue(true)
          .description(
              "Whether the request filters read the deadline header and outgoing calls write it")
          .build();

  /** The header's name. */
  public static final Setting<String> HEADER =
      Setting.stringSetting("header")
          .defaultValue(DEFAULT_NAME)
          .rule(DeadlineHeader::validHeaderName, HEADER_RULE)
          .description("Request header carrying the time left in whole milliseconds")
          .build();

  /** The most time accepted from a caller. */
  public static final Setting<Duration> MAX_INBOUND =
      Setting.durationSetting("max-inbound")
          .defaultValue(Duration.ofSeconds(60))
          .between(Duration.ofMillis(1), Duration.ofDays(1))
          .description("Most time left accepted from a caller; a larger value is clipped to it")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS = List.of(ENABLED, HEADER, MAX_INBOUND);

  private static final DeadlineHeader DEFAULTS = builder().build();

  private final boolean enabled;
  private final String name;
  private final Duration maxInbound;
  private final long maxInboundMillis;
  private final LongAdder malformed = new LongAdder();
  // Invariant: the warning about malformed values is logged at most once per instance, by the
  // caller that sets this from false to true; every malformed value is counted.
  private final AtomicBoolean logged = new AtomicBoolean();

  private DeadlineHeader(Builder b) {
    this.enabled = b.enabled;
    this.name = b.name;
    this.maxInbound = b.maxInbound;
    this.maxInboundMillis = b.maxInbound.toMillis();
  }

  /**
   * Returns the defaults: on, {@value #DEFAULT_NAME}, at most 60 s accepted.
   *
   * @return the shared default configuration
   */
  public static DeadlineHeader ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder starting from this configuration.
   *
   * @return a new builder holding this configuration's values
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns this configuration with every setting the source sets replaced, keys under {@value
   * #CONFIG_PREFIX}.
   *
   * @param source where overrides come from
   * @return the configuration
   * @throws dev.reliability.core.config.ConfigurationException listing every invalid setting
   */
  public DeadlineHeader withOverrides(ConfigSource source) {
    Checks.notNull("source", source);
    ConfigBinder c = ConfigBinder.of(source, CONFIG_PREFIX);
    Builder b = toBuilder();
    b.enabled = c.get(ENABLED, enabled);
    b.name = c.get(HEADER, name);
    b.maxInbound = c.get(MAX_INBOUND, maxInbound);
    c.throwIfInvalid();
    return b.build();
  }

  /**
   * Returns whether the header is read and written.
   *
   * @return true if on
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Returns the header's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the most time accepted from a caller.
   *
   * @return the cap
   */
  public Duration maxInbound() {
    return maxInbound;
  }

  /**
   * Parses a header value into milliseconds, clipped to {@link #maxInbound()}.
   *
   * @param value the header's value, or null when absent
   * @return the milliseconds, zero or more; or -1 when the value is absent or malformed (a
   *     malformed value is counted and logged once)
   */
  public long parseMillis(String value) {
    if (value == null) {
      return -1;
    }
    int n = value.length();
    if (n > MAX_LENGTH) {
      return malformed(value);
    }
    int from = 0;
    int to = n;
    while (from < to && isSpace(value.charAt(from))) {
      from++;
    }
    while (to > from && isSpace(value.charAt(to - 1))) {
      to--;
    }
    if (to == from || to - from > MAX_DIGITS) {
      return malformed(value);
    }
    long millis = 0;
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return malformed(value);
      }
      millis = millis * 10 + (c - '0');
    }
    return Math.min(millis, maxInboundMillis);
  }

  /**
   * Reads a deadline from a header value: {@link #parseMillis} from now on {@code time}.
   *
   * @param value the header's value, or null when absent
   * @param time the clock the deadline is read on
   * @return the deadline, or null when the header is off, absent or malformed
   */
  public Deadline read(String value, TimeSource time) {
    if (!enabled) {
      return null;
    }
    long millis = parseMillis(value);
    return millis < 0 ? null : Deadline.afterMillis(millis, time);
  }

  /**
   * Returns the header value for a deadline: its remaining whole milliseconds, zero once passed.
   *
   * @param deadline the deadline
   * @return the value to send
   */
  public static String format(Deadline deadline) {
    return Long.toString(Checks.notNull("deadline", deadline).remainingMillis());
  }

  /**
   * Returns how many malformed values were ignored.
   *
   * @return the count since this instance was built
   */
  public long malformedValues() {
    return malformed.sum();
  }

  private long malformed(String value) {
    malformed.increment();
    if (logged.compareAndSet(false, true)) {
      LOG.warn(
          "Ignored a malformed {} header ({} characters, expected 1 to {} digits); further"
              + " malformed values are counted, not logged",
          name,
          value.length(),
          MAX_DIGITS);
    }
    return -1;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  static boolean validHeaderName(String name) {
    if (name == null || name.isEmpty() || name.length() > 64) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      boolean ok =
          (ch >= 'a' && ch <= 'z')
              || (ch >= 'A' && ch <= 'Z')
              || (ch >= '0' && ch <= '9')
              || ch == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeadlineHeader d
        && d.enabled == enabled
        && d.name.equals(name)
        && d.maxInbound.equals(maxInbound);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, name, maxInbound);
  }

  @Override
  public String toString() {
    return "DeadlineHeader[enabled="
        + enabled
        + ", name="
        + name
        + ", maxInbound="
        + DurationText.format(maxInbound)
        + "]";
  }

  /** Builds a {@link DeadlineHeader}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private boolean enabled = true;
    private String name = DEFAULT_NAME;
    private Duration maxInbound = Duration.ofSeconds(60);

    private Builder() {}

    private Builder(DeadlineHeader h) {
      this.enabled = h.enabled;
      this.name = h.name;
      this.maxInbound = h.maxInbound;
    }

    /**
     * Turns reading and writing the header on or off. Default on.
     *
     * @param enabled whether the header is used
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Sets the header's name. Default {@value DeadlineHeader#DEFAULT_NAME}.
     *
     * @param name 1 to 64 letters, digits or {@code -}
     * @return this builder
     * @throws IllegalArgumentException if malformed
     */
    public Builder name(String name) {
      this.name = HEADER.check(name);
      return this;
    }

    /**
     * Sets the most time accepted from a caller; larger values are clipped. Default 60 s.
     *
     * @param maxInbound 1 ms to 1 day
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxInbound(Duration maxInbound) {
      this.maxInbound = MAX_INBOUND.check(maxInbound);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     */
    public DeadlineHeader build() {
      return new DeadlineHeader(this);
    }
  }
}
