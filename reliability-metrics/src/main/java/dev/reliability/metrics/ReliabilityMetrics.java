package dev.reliability.metrics;

import com.sun.net.httpserver.HttpHandler;
import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.time.TimeSource;
import dev.reliability.metrics.export.Backend;
import dev.reliability.metrics.export.MetricsExporters;
import dev.reliability.metrics.http.HttpServerMetrics;
import dev.reliability.metrics.prometheus.PrometheusScrapeHandler;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The entry point of this module: one object that owns the metrics backends, sets the common tags
 * once, binds the JVM, process and system meters, and hands out the HTTP server metrics, the
 * business meter factory and the Prometheus scrape handler.
 *
 * <pre>{@code
 * try (ReliabilityMetrics metrics =
 *     ReliabilityMetrics.builder()
 *         .service("checkout")
 *         .environment("production")
 *         .configSource(ConfigSource.fromMap("test", Map.of()))
 *         .build()) {
 *   MeterRegistry registry = metrics.registry();
 *   server.createContext("/metrics", metrics.scrapeHandler());
 * }
 * }</pre>
 *
 * <p><b>Common tags.</b> {@code service} and {@code environment} go on every meter of every
 * backend. {@code instance} goes on push backends only: Prometheus adds its own {@code instance}
 * label from the scrape target, and an exposed one would be renamed {@code exported_instance}.
 *
 * <p><b>Configuration</b> ({@code reliability.metrics.*}, see {@link #SETTINGS} and {@link
 * MetricsExporters#SETTINGS}): a value from the source wins over one set on the builder. The seed
 * names {@code ENABLE_METRICS} and {@code METRICS_NAMESPACE} are read as aliases of {@code
 * reliability.metrics.enabled} and {@code reliability.metrics.cloudwatch.namespace}. When metrics
 * are disabled, {@link #registry()} is an empty composite whose meters do nothing and the scrape
 * handler answers 404.
 *
 * <p>Thread-safe once built. {@link #close()} publishes the last batch of push backends and stops
 * their threads.
 */
public final class ReliabilityMetrics implements AutoCloseable {

  /** The prefix of every key this class reads. */
  public static final String CONFIG_PREFIX = "reliability.metrics";

  /** Whether metrics are recorded and exported at all. */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .defaultValue(true)
          .description("Record and export metrics (seed name ENABLE_METRICS)")
          .build();

  /** The common {@code service} tag. */
  public static final Setting<String> SERVICE =
      Setting.stringSetting("service")
          .rule(s -> !s.isBlank(), "a service name")
          .description("Value of the common service tag; required (set it here or on the builder)")
          .build();

  /** The common {@code environment} tag. */
  public static final Setting<String> ENVIRONMENT =
      Setting.stringSetting("environment")
          .defaultValue("")
          .description("Value of the common environment tag; omitted when empty")
          .build();

  /** The common {@code instance} tag of push backends. */
  public static final Setting<String> INSTANCE =
      Setting.stringSetting("instance")
          .defaultValue("")
          .description("Value of the instance tag on push backends; empty means the host name")
          .build();

  /** The prefix of business meters. */
  public static final Setting<String> PREFIX =
      Setting.stringSetting("prefix")
          .defaultValue(BusinessMetrics.DEFAULT_PREFIX)
          .rule(p -> BusinessMetrics.PREFIX.matcher(p).matches(), "lower-case words joined by '.'")
          .description("Name prefix of business meters (outcomes, cost, keyed counters)")
          .build();

  /** Whether the JVM, process and system binders are bound. */
  public static final Setting<Boolean> JVM_ENABLED =
      Setting.booleanSetting("jvm.enabled")
          .defaultValue(true)
          .description("Bind Micrometer's JVM, process and system meters")
          .build();

  /** Every setting this class declares, for the configuration reference. */
  public static final List<Setting<?>> SETTINGS =
      List.of(ENABLED, SERVICE, ENVIRONMENT, INSTANCE, PREFIX, JVM_ENABLED);

  /** The older names read as aliases of canonical keys. */
  public static final Map<String, String> SEED_ALIASES =
      Map.of(
          CONFIG_PREFIX + ".enabled", "ENABLE_METRICS",
          CONFIG_PREFIX + ".cloudwatch.namespace", "METRICS_NAMESPACE");

  private final boolean enabled;
  private final CompositeMeterRegistry registry;
  private final MetricsExporters exporters;
  private final RuntimeMetrics runtime;
  private final BusinessMetrics business;
  private final HttpServerMetrics httpServer;
  private final List<Tag> commonTags;

  private ReliabilityMetrics(
      boolean enabled,
      CompositeMeterRegistry registry,
      MetricsExporters exporters,
      RuntimeMetrics runtime,
      BusinessMetrics business,
      HttpServerMetrics httpServer,
      List<Tag> commonTags) {
    this.enabled = enabled;
    this.registry = registry;
    this.exporters = exporters;
    this.runtime = runtime;
    this.business = business;
    this.httpServer = httpServer;
    this.commonTags = commonTags;
  }

  /**
   * Starts a builder.
   *
   * @return a builder reading {@link ConfigSource#standard()} by default
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns whether metrics are enabled.
   *
   * @return the value of {@code reliability.metrics.enabled}
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Returns the registry to bind and record into: a composite over every backend.
   *
   * @return the registry
   */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Returns the Prometheus registry.
   *
   * @return the registry, or empty when Prometheus or metrics are disabled
   */
  public Optional<PrometheusMeterRegistry> prometheus() {
    return exporters == null ? Optional.empty() : exporters.prometheus();
  }

  /**
   * Returns the backends.
   *
   * @return the exporters, or empty when metrics are disabled
   */
  public Optional<MetricsExporters> exporters() {
    return Optional.ofNullable(exporters);
  }

  /**
   * Returns the HTTP server metrics, created once on this registry.
   *
   * @return the HTTP server metrics
   */
  public HttpServerMetrics httpServer() {
    return httpServer;
  }

  /**
   * Returns the business meter factory with the configured prefix.
   *
   * @return the factory
   */
  public BusinessMetrics business() {
    return business;
  }

  /**
   * Returns the common tags applied to every backend ({@code instance} excluded, see the class
   * documentation).
   *
   * @return the tags
   */
  public List<Tag> commonTags() {
    return commonTags;
  }

  /**
   * Returns a JDK {@code HttpServer} handler serving the Prometheus registry; it answers 404 when
   * Prometheus or metrics are disabled.
   *
   * @return the handler
   */
  public HttpHandler scrapeHandler() {
    Optional<PrometheusMeterRegistry> prometheus = prometheus();
    if (prometheus.isPresent()) {
      return PrometheusScrapeHandler.of(prometheus.get());
    }
    return exchange -> {
      try (exchange) {
        byte[] body = "metrics are disabled\n".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(404, body.length);
        exchange.getResponseBody().write(body);
      }
    };
  }

  /** Unbinds the runtime meters and closes every backend. Idempotent. */
  @Override
  public void close() {
    if (runtime != null) {
      runtime.close();
    }
    registry.close();
    if (exporters != null) {
      exporters.close();
    }
  }

  /** Builds {@link ReliabilityMetrics}. Not thread-safe. */
  public static final class Builder {
    private ConfigSource source = ConfigSource.standard();
    private String service;
    private String environment;
    private String instance;
    private String prefix;
    private Boolean jvm;
    private Clock clock = Clock.SYSTEM;
    private TimeSource timeSource = TimeSource.system();
    private final List<MeterRegistry> extra = new ArrayList<>();
    private MetricsExporters.Builder exporters;

    private Builder() {}

    /**
     * Sets where settings come from. Default {@link ConfigSource#standard()}; the {@link
     * #SEED_ALIASES} are added to it.
     *
     * @param source the source
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.source = Checks.notNull("source", source);
      return this;
    }

    /**
     * Sets the common {@code service} tag (required here or in the configuration).
     *
     * @param service the service name
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder service(String service) {
      this.service = SERVICE.check(service);
      return this;
    }

    /**
     * Sets the common {@code environment} tag. Default: none.
     *
     * @param environment such as {@code production}
     * @return this builder
     */
    public Builder environment(String environment) {
      this.environment = ENVIRONMENT.check(environment);
      return this;
    }

    /**
     * Sets the {@code instance} tag of push backends. Default: the host name.
     *
     * @param instance such as a pod name
     * @return this builder
     */
    public Builder instance(String instance) {
      this.instance = INSTANCE.check(instance);
      return this;
    }

    /**
     * Sets the business meter prefix. Default {@value BusinessMetrics#DEFAULT_PREFIX}.
     *
     * @param prefix lower-case words joined by dots
     * @return this builder
     * @throws IllegalArgumentException if the prefix breaks the rule of {@link #PREFIX}
     */
    public Builder prefix(String prefix) {
      this.prefix = PREFIX.check(prefix);
      return this;
    }

    /**
     * Sets whether JVM, process and system meters are bound. Default true.
     *
     * @param enabled whether to bind them
     * @return this builder
     */
    public Builder jvmMetrics(boolean enabled) {
      this.jvm = enabled;
      return this;
    }

    /**
     * Sets Micrometer's clock for every backend. Default {@link Clock#SYSTEM}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Checks.notNull("clock", clock);
      return this;
    }

    /**
     * Sets the time source of the HTTP server metrics. Default {@link TimeSource#system()}.
     *
     * @param timeSource the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Checks.notNull("timeSource", timeSource);
      return this;
    }

    /**
     * Adds a registry of your own (such as a {@code SimpleMeterRegistry} in tests) to the
     * composite. It gets the same common tags as the push backends.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder addRegistry(MeterRegistry registry) {
      extra.add(Checks.notNull("registry", registry));
      return this;
    }

    /**
     * Customises the backend factory (a CloudWatch client, for instance). Its config source is
     * replaced by this builder's.
     *
     * @param exporters the factory builder
     * @return this builder
     */
    public Builder exporters(MetricsExporters.Builder exporters) {
      this.exporters = Checks.notNull("exporters", exporters);
      return this;
    }

    /**
     * Validates the configuration, creates the backends, applies the common tags and binds the
     * runtime meters.
     *
     * @return the metrics
     * @throws ConfigurationException listing every invalid setting
     */
    public ReliabilityMetrics build() {
      ConfigSource aliased = source.withAliases(SEED_ALIASES);
      ConfigBinder config = ConfigBinder.of(aliased, CONFIG_PREFIX);
      boolean enabled = config.get(ENABLED);
      String svc = config.get(SERVICE, service);
      String env = config.get(ENVIRONMENT, environment);
      String inst = config.get(INSTANCE, instance);
      String pfx = config.get(PREFIX, prefix);
      boolean bindJvm = config.get(JVM_ENABLED, jvm);
      config.throwIfInvalid();

      List<Tag> tags = new ArrayList<>();
      tags.add(Tag.of("service", svc));
      if (!env.isBlank()) {
        tags.add(Tag.of("environment", env));
      }
      List<Tag> pushTags = new ArrayList<>(tags);
      pushTags.add(Tag.of("instance", inst.isBlank() ? hostName() : inst));

      CompositeMeterRegistry composite = new CompositeMeterRegistry(clock);
      MetricsExporters created = null;
      RuntimeMetrics runtime = null;
      if (enabled) {
        MetricsExporters.Builder factory =
            exporters == null ? MetricsExporters.builder() : exporters;
        created = factory.configSource(aliased).clock(clock).build();
        for (Backend b : created.backends()) {
          MeterRegistry r = created.registry(b).orElseThrow();
          r.config().commonTags(b == Backend.PROMETHEUS ? tags : pushTags);
          composite.add(r);
        }
        for (MeterRegistry r : extra) {
          r.config().commonTags(pushTags);
          composite.add(r);
        }
        if (bindJvm) {
          runtime = RuntimeMetrics.create();
          runtime.bindTo(composite);
        }
      }
      HttpServerMetrics http = HttpServerMetrics.builder().timeSource(timeSource).build(composite);
      return new ReliabilityMetrics(
          enabled,
          composite,
          created,
          runtime,
          BusinessMetrics.of(composite, pfx),
          http,
          List.copyOf(tags));
    }

    private static String hostName() {
      String env = System.getenv("HOSTNAME");
      if (env != null && !env.isBlank()) {
        return env;
      }
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "unknown";
      }
    }
  }
}
