package dev.reliability.core.context;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a request ID from a caller (an {@code X-Request-ID} header, a message attribute) or
 * replaces it with a fresh one, so no one can inject log lines, headers or markup through it.
 *
 * <p>An incoming ID is kept only if it is 1 to {@link #maxLength()} characters (default 128) from
 * {@code A-Z a-z 0-9 - _ . : + / =}: enough for UUIDs, ULIDs, base64 IDs and prefixed IDs such as
 * {@code req_abc123}. A missing or empty ID is replaced by {@link RequestIds#mint()} and not
 * counted. Any other ID (line breaks, control characters, quotes, spaces, other characters, or too
 * long) is replaced and the rejection counted by {@link Rejection reason}; the rejected text is
 * never logged, only its reason and length at debug level.
 *
 * <p>The maximum length can be set in code or by the setting {@code
 * reliability.context.request-id-max-length} (env {@code
 * RELIABILITY_CONTEXT_REQUEST_ID_MAX_LENGTH}) read through {@link
 * Builder#configSource(ConfigSource)}.
 *
 * <p>Thread-safe; {@link #sanitize(String)} does not allocate for a valid ID and never throws.
 */
public final class RequestIdSanitizer {

  /** The configuration prefix of this component. */
  public static final String CONFIG_PREFIX = "reliability.context";

  /** The longest request ID accepted from a caller. Default 128. */
  public static final Setting<Integer> MAX_LENGTH =
      Setting.intSetting("request-id-max-length")
          .defaultValue(128)
          .between(16, 1024)
          .description("Longest request ID accepted from a caller; longer ones are replaced")
          .build();

  /** Every setting of this component, for the configuration reference. */
  public static final List<Setting<?>> SETTINGS = List.of(MAX_LENGTH);

  /** Why an incoming request ID was replaced. */
  public enum Rejection {
    /** Longer than the maximum length. */
    TOO_LONG,
    /** Contains a carriage return or line feed (log or header injection). */
    LINE_BREAK,
    /** Contains another control character. */
    CONTROL_CHARACTER,
    /** Contains a single or double quote (breaks out of quoted log fields and markup). */
    QUOTE,
    /** Contains a space or any other character outside the allowed set. */
    DISALLOWED_CHARACTER
  }

  private static final Logger LOG = LoggerFactory.getLogger(RequestIdSanitizer.class);
  private static final RequestIdSanitizer DEFAULTS = builder().build();

  private final int maxLength;
  private final Supplier<String> minter;
  private final LongAdder[] rejected;

  private RequestIdSanitizer(int maxLength, Supplier<String> minter) {
    this.maxLength = maxLength;
    this.minter = minter;
    this.rejected = new LongAdder[Rejection.values().length];
    for (int i = 0; i < rejected.length; i++) {
      rejected[i] = new LongAdder();
    }
  }

  /**
   * Returns a sanitizer with the default maximum length (128) and {@link RequestIds#mint()}. Each
   * call returns the same shared instance, whose counters are shared too.
   *
   * @return the shared default sanitizer
   */
  public static RequestIdSanitizer ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the incoming ID if it is acceptable, otherwise a fresh one.
   *
   * @param incoming the ID from the caller, or null if there was none
   * @return an acceptable request ID, never null
   */
  public String sanitize(String incoming) {
    if (incoming == null || incoming.isEmpty()) {
      return minter.get();
    }
    Rejection reason = check(incoming, maxLength);
    if (reason == null) {
      return incoming;
    }
    rejected[reason.ordinal()].increment();
    if (LOG.isDebugEnabled()) {
      LOG.debug("Replaced an incoming request ID: {} ({} characters)", reason, incoming.length());
    }
    return minter.get();
  }

  /**
   * Returns why an ID would be rejected.
   *
   * @param id the ID; null or empty is reported as acceptable-to-replace by {@link
   *     #sanitize(String)}, and here as {@link Rejection#DISALLOWED_CHARACTER}
   * @param maxLength the longest acceptable ID
   * @return the reason, or null if the ID is acceptable
   */
  public static Rejection check(String id, int maxLength) {
    if (id == null || id.isEmpty()) {
      return Rejection.DISALLOWED_CHARACTER;
    }
    Rejection found = null;
    int n = id.length();
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == ':'
          || c == '+'
          || c == '/'
          || c == '=') {
        continue;
      }
      if (c == '\r' || c == '\n') {
        return Rejection.LINE_BREAK;
      }
      Rejection r;
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029) {
        r = Rejection.CONTROL_CHARACTER;
      } else if (c == '"' || c == '\'') {
        r = Rejection.QUOTE;
      } else {
        r = Rejection.DISALLOWED_CHARACTER;
      }
      if (found == null || r.ordinal() < found.ordinal()) {
        found = r;
      }
    }
    if (found != null) {
      return found;
    }
    return n > maxLength ? Rejection.TOO_LONG : null;
  }

  /**
   * Returns whether an incoming ID would be kept.
   *
   * @param id the ID
   * @return true if {@link #sanitize(String)} returns it unchanged
   */
  public boolean isAcceptable(String id) {
    return id != null && !id.isEmpty() && check(id, maxLength) == null;
  }

  /**
   * Returns the longest ID accepted.
   *
   * @return the maximum length
   */
  public int maxLength() {
    return maxLength;
  }

  /**
   * Returns how many incoming IDs were replaced for one reason since this sanitizer was built.
   *
   * @param reason the reason
   * @return the count
   */
  public long rejectedCount(Rejection reason) {
    return rejected[Checks.notNull("reason", reason).ordinal()].sum();
  }

  /**
   * Returns how many incoming IDs were replaced since this sanitizer was built, for any reason.
   *
   * @return the count
   */
  public long rejectedCount() {
    long sum = 0;
    for (LongAdder a : rejected) {
      sum += a.sum();
    }
    return sum;
  }

  @Override
  public String toString() {
    return "RequestIdSanitizer[maxLength=" + maxLength + ", rejected=" + rejectedCount() + "]";
  }

  /** Builds a {@link RequestIdSanitizer}. Not thread-safe. */
  public static final class Builder {
    private Integer maxLength;
    private ConfigSource config;
    private Supplier<String> minter = RequestIds::mint;

    private Builder() {}

    /**
     * Sets the longest request ID accepted from a caller. Default 128.
     *
     * @param maxLength 16 to 1024
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxLength(int maxLength) {
      this.maxLength = MAX_LENGTH.check(maxLength);
      return this;
    }

    /**
     * Sets where {@link #MAX_LENGTH} is read from at {@link #build()}; a value there wins over
     * {@link #maxLength(int)}. Default none: the value set in code only.
     *
     * @param source the configuration source, such as {@link ConfigSource#standard()}
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.config = Checks.notNull("source", source);
      return this;
    }

    /**
     * Sets what mints replacement IDs. Default {@link RequestIds#mint()}.
     *
     * @param minter returns a fresh, acceptable ID on every call; called concurrently
     * @return this builder
     */
    public Builder minter(Supplier<String> minter) {
      this.minter = Checks.notNull("minter", minter);
      return this;
    }

    /**
     * Builds the sanitizer.
     *
     * @return a new sanitizer with its own counters
     * @throws dev.reliability.core.config.ConfigurationException if the source holds an invalid
     *     value
     */
    public RequestIdSanitizer build() {
      int max = maxLength == null ? MAX_LENGTH.defaultValue().orElseThrow() : maxLength;
      if (config != null) {
        ConfigBinder binder = ConfigBinder.of(config, CONFIG_PREFIX);
        max = binder.get(MAX_LENGTH, max);
        binder.throwIfInvalid();
      }
      return new RequestIdSanitizer(max, minter);
    }
  }
}
