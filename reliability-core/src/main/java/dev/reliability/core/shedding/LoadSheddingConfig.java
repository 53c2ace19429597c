package dev.reliability.core.shedding;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a {@link LoadShedder}: the {@link AdaptiveLimitConfig} of the inbound limit, the
 * paths that are never shed, the request header that names a traffic class, and the retry-after
 * hint of a shed request.
 *
 * <p>Exempt paths match a request path exactly or as a prefix that ends at a {@code /}: {@code
 * /health} (the default) exempts {@code /health}, {@code /health/live}, {@code /health/ready},
 * {@code /health/startup} and the health module's custom groups, but not {@code /healthz} or {@code
 * /health-report}. Exempt requests take no permit and are not counted.
 *
 * <p>Traffic classes: the value of {@link #trafficClassHeader()} (default {@code X-Traffic-Class})
 * names a partition of {@link #limit()}; a request with no header, an unknown class or a value
 * longer than 64 characters uses the limiter's default partition. Clients can set any header, so
 * strip or overwrite it at the edge, or give the shedder a classifier of your own ({@link
 * LoadShedder.Builder#trafficClassifier(TrafficClassifier)}).
 *
 * <pre>{@code
 * LoadSheddingConfig config = LoadSheddingConfig.builder()
 *     .limit(AdaptiveLimitConfig.builder().partition("interactive", 0.5).build())
 *     .exemptPaths(List.of("/health", "/metrics"))
 *     .build();
 * }</pre>
 *
 * <p>Configuration keys: prefix {@value #CONFIG_PREFIX}, see {@link #SETTINGS}; the limit's own
 * settings are not read by {@link #withOverrides(ConfigSource)} (those keys, under {@value
 * AdaptiveLimitConfig#CONFIG_PREFIX}, are shared with the policies' limits). Immutable and
 * thread-safe.
 */
public final class LoadSheddingConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.load-shedding";

  /** The most exempt paths. */
  public static final int MAX_EXEMPT_PATHS = 32;

  /** The longest exempt path. */
  public static final int MAX_PATH_LENGTH = 256;

  private static final String PATHS_RULE =
      "comma-separated paths, at most "
          + MAX_EXEMPT_PATHS
          + ", each starting with '/', at most "
          + MAX_PATH_LENGTH
          + " characters, without spaces, control characters, '%', '?', '#' or '..'";

  private static final String HEADER_RULE =
      "an HTTP header name of 1 to 64 letters, digits or '-', or empty for none";

  /** Whether requests are shed at all; off, the filters pass every request through. */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .defaultValue(true)
          .description("Whether the inbound filters shed requests; off passes every request")
          .build();

  /** The paths never shed. */
  public static final Setting<List<String>> EXEMPT_PATHS =
      Setting.<List<String>>of("exempt-paths", "paths", LoadSheddingConfig::parsePaths)
          .defaultValue(List.of("/health"))
          .rule(LoadSheddingConfig::validPaths, PATHS_RULE)
          .description(
              "Paths never shed, matched exactly or as a prefix ending at '/': /health covers"
                  + " /health/live, /health/ready and /health/startup")
          .build();

  /** The request header naming a traffic class. */
  public static final Setting<String> TRAFFIC_CLASS_HEADER =
      Setting.stringSetting("traffic-class-header")
          .defaultValue("X-Traffic-Class")
          .rule(LoadSheddingConfig::validHeaderName, HEADER_RULE)
          .description(
              "Request header whose value names a partition of the limit; empty reads no header")
          .build();

  /** The retry-after hint of a shed request. */
  public static final Setting<Duration> RETRY_AFTER =
      Setting.durationSetting("retry-after")
          .defaultValue(Duration.ofSeconds(1))
          .between(Duration.ofSeconds(1), Duration.ofHours(1))
          .description("Retry-After of a shed request, sent in whole seconds rounded up")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(ENABLED, EXEMPT_PATHS, TRAFFIC_CLASS_HEADER, RETRY_AFTER);

  private static final LoadSheddingConfig DEFAULTS = new Builder().build();

  private final AdaptiveLimitConfig limit;
  private final boolean enabled;
  private final List<String> exemptPaths;
  private final String trafficClassHeader;
  private final Duration retryAfter;

  private LoadSheddingConfig(Builder b) {
    this.limit = b.limit;
    this.enabled = b.enabled;
    this.exemptPaths = List.copyOf(b.exemptPaths);
    this.trafficClassHeader = b.trafficClassHeader;
    this.retryAfter = b.retryAfter;
  }

  /**
   * Returns the defaults: the default {@link AdaptiveLimitConfig} (gradient, 4 to 200, starting at
   * 20, no partitions), enabled, {@code /health} exempt, header {@code X-Traffic-Class}, a
   * retry-after of 1 s.
   *
   * @return the default configuration
   */
  public static LoadSheddingConfig ofDefaults() {
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
   * Returns a builder holding this configuration's values, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns this configuration with every setting the source sets under {@value #CONFIG_PREFIX}
   * replaced; values set in code lose to the source. The limit is kept as it is.
   *
   * @param source where overrides come from
   * @return the configuration
   * @throws ConfigurationException listing every invalid setting
   */
  public LoadSheddingConfig withOverrides(ConfigSource source) {
    Checks.notNull("source", source);
    ConfigBinder c = ConfigBinder.of(source, CONFIG_PREFIX);
    Builder b = toBuilder();
    b.enabled = c.get(ENABLED, enabled);
    b.exemptPaths = c.get(EXEMPT_PATHS, exemptPaths);
    b.trafficClassHeader = c.get(TRAFFIC_CLASS_HEADER, trafficClassHeader);
    b.retryAfter = c.get(RETRY_AFTER, retryAfter);
    c.throwIfInvalid();
    return b.build();
  }

  /**
   * Returns the configuration of the inbound adaptive limit; its partitions are the traffic
   * classes.
   *
   * @return the limit's configuration, {@link AdaptiveLimitConfig#ofDefaults()} by default
   */
  public AdaptiveLimitConfig limit() {
    return limit;
  }

  /**
   * Returns whether requests are shed at all.
   *
   * @return true by default
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Returns the paths never shed, matched exactly or as a prefix ending at {@code /}.
   *
   * @return an unmodifiable list, {@code [/health]} by default
   */
  public List<String> exemptPaths() {
    return exemptPaths;
  }

  /**
   * Returns the request header naming a traffic class.
   *
   * @return the header name, {@code X-Traffic-Class} by default; empty when no header is read
   */
  public String trafficClassHeader() {
    return trafficClassHeader;
  }

  /**
   * Returns the retry-after hint of a shed request, sent as {@code Retry-After}. It replaces the
   * limit's own {@link AdaptiveLimitConfig#retryAfter()}, which serves the policies' rejections.
   *
   * @return the hint, 1 s by default
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LoadSheddingConfig c
        && c.limit.equals(limit)
        && c.enabled == enabled
        && c.exemptPaths.equals(exemptPaths)
        && c.trafficClassHeader.equals(trafficClassHeader)
        && c.retryAfter.equals(retryAfter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(limit, enabled, exemptPaths, trafficClassHeader, retryAfter);
  }

  @Override
  public String toString() {
    return "LoadSheddingConfig[enabled="
        + enabled
        + ", exemptPaths="
        + exemptPaths
        + ", trafficClassHeader="
        + trafficClassHeader
        + ", retryAfter="
        + DurationText.format(retryAfter)
        + ", limit="
        + limit
        + "]";
  }

  /** Parses comma-separated paths; linear in the text, which is at most 8,192 characters. */
  static List<String> parsePaths(String text) {
    if (text.length() > 8_192) {
      throw new IllegalArgumentException(PATHS_RULE);
    }
    List<String> out = new ArrayList<>();
    if (text.isBlank()) {
      return out;
    }
    for (String part : text.split(",", -1)) {
      out.add(part.strip());
    }
    return out;
  }

  static boolean validPaths(List<String> paths) {
    if (paths.size() > MAX_EXEMPT_PATHS) {
      return false;
    }
    for (String p : paths) {
      if (!validPath(p)) {
        return false;
      }
    }
    return true;
  }

  private static boolean validPath(String p) {
    if (p == null || p.isEmpty() || p.length() > MAX_PATH_LENGTH || p.charAt(0) != '/') {
      return false;
    }
    for (int i = 0; i < p.length(); i++) {
      char ch = p.charAt(i);
      if (ch <= ' ' || ch == 0x7F || ch == '%' || ch == '?' || ch == '#') {
        return false;
      }
    }
    return !p.contains("..");
  }

  static boolean validHeaderName(String name) {
    if (name == null || name.length() > 64) {
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

  /** Builds a {@link LoadSheddingConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private AdaptiveLimitConfig limit = AdaptiveLimitConfig.ofDefaults();
    private boolean enabled = true;
    private List<String> exemptPaths = List.of("/health");
    private String trafficClassHeader = "X-Traffic-Class";
    private Duration retryAfter = Duration.ofSeconds(1);

    private Builder() {}

    private Builder(LoadSheddingConfig c) {
      this.limit = c.limit;
      this.enabled = c.enabled;
      this.exemptPaths = c.exemptPaths;
      this.trafficClassHeader = c.trafficClassHeader;
      this.retryAfter = c.retryAfter;
    }

    /**
     * Sets the configuration of the inbound adaptive limit. Its partitions are the traffic classes
     * a request can name. Default {@link AdaptiveLimitConfig#ofDefaults()}.
     *
     * @param limit the limit's configuration
     * @return this builder
     */
    public Builder limit(AdaptiveLimitConfig limit) {
      this.limit = Checks.notNull("limit", limit);
      return this;
    }

    /**
     * Sets whether requests are shed at all. Default true.
     *
     * @param enabled false to pass every request through
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = ENABLED.check(enabled);
      return this;
    }

    /**
     * Sets the paths never shed, matched exactly or as a prefix ending at {@code /}. Default {@code
     * [/health]}. A request path holding {@code %} or a {@code .} segment is never exempt, so an
     * encoded or dotted path cannot pass for a probe.
     *
     * @param exemptPaths at most 32 paths, each starting with {@code /}, at most 256 characters,
     *     without spaces, control characters, {@code % ? #} or {@code ..}
     * @return this builder
     * @throws IllegalArgumentException if a path breaks the rule
     */
    public Builder exemptPaths(List<String> exemptPaths) {
      Checks.notNull("exemptPaths", exemptPaths);
      this.exemptPaths = List.copyOf(EXEMPT_PATHS.check(new ArrayList<>(exemptPaths)));
      return this;
    }

    /**
     * Sets the request header whose value names a traffic class (a partition of the limit). Default
     * {@code X-Traffic-Class}.
     *
     * @param trafficClassHeader a header name of 1 to 64 letters, digits or {@code -}, or empty to
     *     read no header
     * @return this builder
     * @throws IllegalArgumentException if the name breaks the rule
     */
    public Builder trafficClassHeader(String trafficClassHeader) {
      this.trafficClassHeader = TRAFFIC_CLASS_HEADER.check(trafficClassHeader);
      return this;
    }

    /**
     * Sets the retry-after hint of a shed request. Default 1 s.
     *
     * @param retryAfter 1 s to 1 hour
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder retryAfter(Duration retryAfter) {
      this.retryAfter = RETRY_AFTER.check(retryAfter);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     */
    public LoadSheddingConfig build() {
      return new LoadSheddingConfig(this);
    }
  }
}
