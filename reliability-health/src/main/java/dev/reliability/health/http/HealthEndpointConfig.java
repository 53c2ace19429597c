package dev.reliability.health.http;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.health.HealthSettings;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * How the health endpoints answer: who sees details, which HTTP status a degraded probe gets, the
 * default body format, and the service's name and version shown in the detailed view.
 *
 * <p>HTTP status codes: healthy is 200, unknown and unhealthy are 503; degraded is 200 unless
 * {@code degraded-status-code} says otherwise (liveness always answers degraded with 200, because
 * restarting a process that still works makes things worse). Every answer carries {@code
 * Cache-Control: no-store}.
 *
 * <p>Settings, under {@value HealthSettings#PREFIX}: {@link #SHOW_DETAILS}, {@link
 * #DEGRADED_STATUS_CODE}, {@link #DEFAULT_FORMAT}; a source given to {@link
 * #withOverrides(ConfigSource)} overrides the values set in code. The builder's setters check each
 * value with the setting's own rule.
 *
 * <pre>{@code
 * HealthEndpointConfig config = HealthEndpointConfig.builder()
 *     .serviceName("checkout")
 *     .build()
 *     .withOverrides(ConfigSource.standard());
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class HealthEndpointConfig {

  /** The prefix of the endpoint settings. */
  public static final String CONFIG_PREFIX = HealthSettings.PREFIX;

  /** Who may see the detailed view. */
  public static final Setting<ShowDetails> SHOW_DETAILS =
      Setting.enumSetting("show-details", ShowDetails.class)
          .defaultValue(ShowDetails.NEVER)
          .description("Who may see check details, resources and performance in /health")
          .build();

  /** The HTTP status of a degraded readiness, startup, group or detailed answer. */
  public static final Setting<Integer> DEGRADED_STATUS_CODE =
      Setting.intSetting("degraded-status-code")
          .defaultValue(200)
          .between(200, 599)
          .description("HTTP status of a degraded answer (liveness always uses 200)")
          .build();

  /** The body format when a request asks for none in particular. */
  public static final Setting<HealthFormat> DEFAULT_FORMAT =
      Setting.enumSetting("default-format", HealthFormat.class)
          .defaultValue(HealthFormat.JSON)
          .description("Body format when the request does not ask for one")
          .build();

  /** Every setting declared here. */
  public static final List<Setting<?>> SETTINGS =
      List.of(SHOW_DETAILS, DEGRADED_STATUS_CODE, DEFAULT_FORMAT);

  private final ShowDetails showDetails;
  private final Predicate<HealthRequest> authorizer;
  private final Predicate<HealthRequest> authorizerSet;
  private final int degradedStatusCode;
  private final HealthFormat defaultFormat;
  private final String serviceName;
  private final String serviceVersion;

  private static final HealthEndpointConfig DEFAULTS = new Builder().build();

  private HealthEndpointConfig(Builder b, ConfigSource source) {
    ConfigBinder config = ConfigBinder.of(source, HealthSettings.PREFIX);
    this.showDetails = config.get(SHOW_DETAILS, b.showDetails);
    this.degradedStatusCode = config.get(DEGRADED_STATUS_CODE, b.degradedStatusCode);
    this.defaultFormat = config.get(DEFAULT_FORMAT, b.defaultFormat);
    config.throwIfInvalid();
    if (showDetails == ShowDetails.WHEN_AUTHORIZED && b.authorizer == null) {
      throw new ConfigurationException(
          "reliability.health.show-details is when-authorized, but no authorizer is set; set one"
              + " with HealthEndpointConfig.Builder.authorizer(...)");
    }
    this.authorizerSet = b.authorizer;
    this.authorizer = b.authorizer == null ? request -> false : b.authorizer;
    this.serviceName = b.serviceName;
    this.serviceVersion = b.serviceVersion;
  }

  /**
   * Returns the defaults: details never shown, degraded answered with 200, this library's JSON
   * format. No configuration source is read; see {@link #withOverrides(ConfigSource)}.
   *
   * @return the configuration
   */
  public static HealthEndpointConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder holding this configuration's values, to derive a variant; this configuration
   * is unchanged.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.showDetails = showDetails;
    b.authorizer = authorizerSet;
    b.degradedStatusCode = degradedStatusCode;
    b.defaultFormat = defaultFormat;
    b.serviceName = serviceName;
    b.serviceVersion = serviceVersion;
    return b;
  }

  /**
   * Returns this configuration with every setting the source sets replaced, keys under {@value
   * HealthSettings#PREFIX}, such as {@code RELIABILITY_HEALTH_SHOW_DETAILS=always}.
   *
   * @param source where overrides come from, such as {@link ConfigSource#standard()}
   * @return a new configuration; this one is unchanged
   * @throws ConfigurationException if the source holds an invalid setting, or sets {@code
   *     show-details} to {@code when-authorized} without an authoriser
   */
  public HealthEndpointConfig withOverrides(ConfigSource source) {
    Checks.notNull("source", source);
    return new HealthEndpointConfig(toBuilder(), source);
  }

  /**
   * Starts a configuration.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns who may see details.
   *
   * @return the policy
   */
  public ShowDetails showDetails() {
    return showDetails;
  }

  /**
   * Returns whether a request may see the detailed view.
   *
   * @param request the request
   * @return true if the policy and, for {@link ShowDetails#WHEN_AUTHORIZED}, the authoriser allow
   *     it; an authoriser that throws denies
   */
  public boolean detailsAllowed(HealthRequest request) {
    switch (showDetails) {
      case ALWAYS:
        return true;
      case WHEN_AUTHORIZED:
        try {
          return authorizer.test(request);
        } catch (RuntimeException e) {
          return false;
        }
      default:
        return false;
    }
  }

  /**
   * Returns the HTTP status of a degraded answer.
   *
   * @return the status code
   */
  public int degradedStatusCode() {
    return degradedStatusCode;
  }

  /**
   * Returns the default body format.
   *
   * @return the format
   */
  public HealthFormat defaultFormat() {
    return defaultFormat;
  }

  /**
   * Returns the service's name for the detailed view.
   *
   * @return the name, or empty
   */
  public Optional<String> serviceName() {
    return Optional.ofNullable(serviceName);
  }

  /**
   * Returns the service's version for the detailed view.
   *
   * @return the version, or empty
   */
  public Optional<String> serviceVersion() {
    return Optional.ofNullable(serviceVersion);
  }

  /** Builds a {@link HealthEndpointConfig}. Not thread-safe. */
  public static final class Builder {
    private ShowDetails showDetails;
    private Predicate<HealthRequest> authorizer;
    private Integer degradedStatusCode;
    private HealthFormat defaultFormat;
    private String serviceName;
    private String serviceVersion;

    private Builder() {}

    /**
     * Sets who may see details. Default {@link ShowDetails#NEVER}.
     *
     * @param showDetails the policy
     * @return this builder
     */
    public Builder showDetails(ShowDetails showDetails) {
      this.showDetails = SHOW_DETAILS.check(showDetails);
      return this;
    }

    /**
     * Sets the authoriser used by {@link ShowDetails#WHEN_AUTHORIZED}, and selects that policy
     * unless another was set.
     *
     * <pre>{@code
     * .authorizer(request -> tokens.isValid(request.header("Authorization")))
     * }</pre>
     *
     * @param authorizer returns true for requests that may see details; must be fast and
     *     thread-safe
     * @return this builder
     */
    public Builder authorizer(Predicate<HealthRequest> authorizer) {
      this.authorizer = Checks.notNull("authorizer", authorizer);
      if (showDetails == null) {
        showDetails = ShowDetails.WHEN_AUTHORIZED;
      }
      return this;
    }

    /**
     * Sets the HTTP status of a degraded answer. Default 200; 503 takes a degraded instance out of
     * the load balancer.
     *
     * @param code between 200 and 599
     * @return this builder
     * @throws IllegalArgumentException if {@code code} is outside that range
     */
    public Builder degradedStatusCode(int code) {
      this.degradedStatusCode = DEGRADED_STATUS_CODE.check(code);
      return this;
    }

    /**
     * Sets the body format used when a request asks for none. Default {@link HealthFormat#JSON}.
     *
     * @param format the format
     * @return this builder
     */
    public Builder defaultFormat(HealthFormat format) {
      this.defaultFormat = DEFAULT_FORMAT.check(format);
      return this;
    }

    /**
     * Sets the service's name, shown in the detailed view ({@code service}, or {@code serviceId} in
     * {@code application/health+json}).
     *
     * @param name the name
     * @return this builder
     */
    public Builder serviceName(String name) {
      this.serviceName = Checks.notBlank("serviceName", name);
      return this;
    }

    /**
     * Sets the service's version, shown in the detailed view.
     *
     * @param version the version
     * @return this builder
     */
    public Builder serviceVersion(String version) {
      this.serviceVersion = Checks.notBlank("serviceVersion", version);
      return this;
    }

    /**
     * Builds the configuration from the values set in code and the defaults; no configuration
     * source is read (see {@link HealthEndpointConfig#withOverrides(ConfigSource)}).
     *
     * @return an immutable configuration
     * @throws ConfigurationException if details are to be shown when authorised but no authoriser
     *     is set
     */
    public HealthEndpointConfig build() {
      return new HealthEndpointConfig(this, ConfigSource.empty());
    }
  }
}
