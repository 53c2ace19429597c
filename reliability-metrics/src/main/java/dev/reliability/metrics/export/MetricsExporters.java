package dev.reliability.metrics.export;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigProblem;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.metrics.internal.MicrometerConfig;
import dev.reliability.metrics.internal.PushRegistries;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one factory for metrics backends: reads {@code reliability.metrics.*} from a {@link
 * ConfigSource} and creates a Micrometer registry for each enabled backend (see {@link Backend}).
 *
 * <p>Prometheus is on by default; OTLP, Google Cloud Monitoring (Stackdriver), CloudWatch and
 * Datadog are off until their {@code enabled} key is true and their registry artifact is on the
 * class path. Every Micrometer registry property is reachable under this library's naming: the
 * Micrometer key {@code otlp.resourceAttributes} is read from {@code
 * reliability.metrics.otlp.resource-attributes} (environment variable {@code
 * RELIABILITY_METRICS_OTLP_RESOURCE_ATTRIBUTES}); {@code reliability.metrics.step} is the shared
 * push interval. The settings declared below are validated up front; a problem in any of them fails
 * {@link Builder#build()} with one {@link ConfigurationException} listing all of them.
 *
 * <pre>{@code
 * try (MetricsExporters exporters =
 *     MetricsExporters.builder().configSource(ConfigSource.standard()).build()) {
 *   PrometheusMeterRegistry prometheus = exporters.prometheus().orElseThrow();
 * }
 * }</pre>
 *
 * <p>Micrometer does the exporting; this class only chooses, configures and owns the registries.
 * Push registries own a daemon publishing thread each; {@link #close()} publishes a last batch and
 * stops them. Thread-safe once built.
 */
public final class MetricsExporters implements AutoCloseable {

  /** The prefix of every key this class reads. */
  public static final String CONFIG_PREFIX = "reliability.metrics";

  /** Whether the Prometheus scrape registry is created. */
  public static final Setting<Boolean> PROMETHEUS_ENABLED =
      Setting.booleanSetting("prometheus.enabled")
          .defaultValue(true)
          .description("Create the Prometheus registry that the scrape handler serves")
          .build();

  /** The push interval shared by every push backend. */
  public static final Setting<Duration> STEP =
      Setting.durationSetting("step", ChronoUnit.SECONDS)
          .defaultValue(Duration.ofSeconds(60))
          .between(Duration.ofSeconds(1), Duration.ofHours(1))
          .description(
              "How often push backends publish; <backend>.step overrides it for one backend")
          .build();

  /** Whether to push over OTLP. */
  public static final Setting<Boolean> OTLP_ENABLED =
      Setting.booleanSetting("otlp.enabled")
          .defaultValue(false)
          .description("Push metrics over OTLP/HTTP (needs micrometer-registry-otlp)")
          .build();

  /** The OTLP metrics endpoint. */
  public static final Setting<String> OTLP_URL =
      Setting.stringSetting("otlp.url")
          .defaultValue("http://localhost:4318/v1/metrics")
          .rule(u -> u.startsWith("http://") || u.startsWith("https://"), "an http or https URL")
          .description("OTLP/HTTP metrics endpoint of the collector")
          .build();

  /** Whether to publish to Google Cloud Monitoring. */
  public static final Setting<Boolean> STACKDRIVER_ENABLED =
      Setting.booleanSetting("stackdriver.enabled")
          .defaultValue(false)
          .description(
              "Publish to Google Cloud Monitoring (needs micrometer-registry-stackdriver and"
                  + " application default credentials)")
          .build();

  /** The Google Cloud project. */
  public static final Setting<String> STACKDRIVER_PROJECT_ID =
      Setting.stringSetting("stackdriver.project-id")
          .rule(p -> !p.isBlank(), "a Google Cloud project ID")
          .description("Google Cloud project to publish to; required when stackdriver is enabled")
          .build();

  /** Whether to publish to CloudWatch. */
  public static final Setting<Boolean> CLOUDWATCH_ENABLED =
      Setting.booleanSetting("cloudwatch.enabled")
          .defaultValue(false)
          .description(
              "Publish to AWS CloudWatch (needs micrometer-registry-cloudwatch2 and an AWS region"
                  + " and credentials)")
          .build();

  /** The CloudWatch namespace. */
  public static final Setting<String> CLOUDWATCH_NAMESPACE =
      Setting.stringSetting("cloudwatch.namespace")
          .rule(p -> !p.isBlank(), "a CloudWatch namespace")
          .description(
              "CloudWatch namespace (seed name METRICS_NAMESPACE); required when cloudwatch is"
                  + " enabled")
          .build();

  /** Whether to publish to Datadog. */
  public static final Setting<Boolean> DATADOG_ENABLED =
      Setting.booleanSetting("datadog.enabled")
          .defaultValue(false)
          .description("Publish to Datadog (needs micrometer-registry-datadog)")
          .build();

  /** The Datadog API key. */
  public static final Setting<String> DATADOG_API_KEY =
      Setting.stringSetting("datadog.api-key")
          .rule(p -> !p.isBlank(), "a Datadog API key")
          .description("Datadog API key; required when datadog is enabled")
          .build();

  /** The Datadog application key. */
  public static final Setting<String> DATADOG_APPLICATION_KEY =
      Setting.stringSetting("datadog.application-key")
          .defaultValue("")
          .description(
              "Datadog application key; without it meter descriptions and units are not sent")
          .build();

  /** Every setting this class declares, for the configuration reference. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          PROMETHEUS_ENABLED,
          STEP,
          OTLP_ENABLED,
          OTLP_URL,
          STACKDRIVER_ENABLED,
          STACKDRIVER_PROJECT_ID,
          CLOUDWATCH_ENABLED,
          CLOUDWATCH_NAMESPACE,
          DATADOG_ENABLED,
          DATADOG_API_KEY,
          DATADOG_APPLICATION_KEY);

  private static final Logger log = LoggerFactory.getLogger(MetricsExporters.class);

  private final Map<Backend, MeterRegistry> registries;
  private final boolean datadogApplicationKey;

  private MetricsExporters(Map<Backend, MeterRegistry> registries, boolean datadogApplicationKey) {
    this.registries = Collections.unmodifiableMap(registries);
    this.datadogApplicationKey = datadogApplicationKey;
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
   * Returns the created registries, in {@link Backend} order.
   *
   * @return the registries, possibly empty
   */
  public List<MeterRegistry> registries() {
    return List.copyOf(registries.values());
  }

  /**
   * Returns the backends a registry was created for.
   *
   * @return the backends
   */
  public Set<Backend> backends() {
    return registries.keySet();
  }

  /**
   * Returns the registry of one backend.
   *
   * @param backend the backend
   * @return its registry, or empty if it is not enabled
   */
  public Optional<MeterRegistry> registry(Backend backend) {
    return Optional.ofNullable(registries.get(backend));
  }

  /**
   * Returns the Prometheus registry, which the scrape handler serves.
   *
   * @return the registry, or empty if Prometheus is disabled
   */
  public Optional<PrometheusMeterRegistry> prometheus() {
    return registry(Backend.PROMETHEUS).map(PrometheusMeterRegistry.class::cast);
  }

  /**
   * Returns whether a Datadog application key was configured (without it Datadog receives no
   * descriptions or base units).
   *
   * @return true if set
   */
  public boolean hasDatadogApplicationKey() {
    return datadogApplicationKey;
  }

  /**
   * Checks every backend's meters against that backend's limits.
   *
   * @return the report
   */
  public CapabilityReport capabilityReport() {
    return CapabilityReport.of(this);
  }

  /**
   * Closes every registry; push registries publish what they hold first. Idempotent; a failure of
   * one registry is logged and does not stop the others.
   */
  @Override
  public void close() {
    for (Map.Entry<Backend, MeterRegistry> e : registries.entrySet()) {
      try {
        e.getValue().close();
      } catch (RuntimeException ex) {
        log.warn("Closing the {} metrics registry failed", e.getKey().key(), ex);
      }
    }
  }

  /** Builds {@link MetricsExporters}. Not thread-safe. */
  public static final class Builder {
    private ConfigSource source = ConfigSource.standard();
    private Clock clock = Clock.SYSTEM;
    private Object cloudWatchClient;
    private Predicate<String> classPresent = Builder::onClassPath;

    private Builder() {}

    /**
     * Sets where settings come from. Default {@link ConfigSource#standard()}.
     *
     * @param source the source
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.source = Checks.notNull("source", source);
      return this;
    }

    /**
     * Sets Micrometer's clock, for tests ({@code MockClock}). Default {@link Clock#SYSTEM}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Checks.notNull("clock", clock);
      return this;
    }

    /**
     * Sets the CloudWatch client (a {@code
     * software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient}). Default: one created from
     * the AWS default region and credential chains.
     *
     * @param client the client
     * @return this builder
     * @throws IllegalArgumentException if it is not a {@code CloudWatchAsyncClient}
     */
    public Builder cloudWatchClient(Object client) {
      Checks.notNull("client", client);
      Checks.check(
          client.getClass().getName().startsWith("software.amazon.awssdk.services.cloudwatch.")
              || implementsCloudWatch(client.getClass()),
          "client",
          "a CloudWatchAsyncClient",
          client.getClass().getName());
      this.cloudWatchClient = client;
      return this;
    }

    Builder classPresent(Predicate<String> classPresent) {
      this.classPresent = classPresent;
      return this;
    }

    private static boolean implementsCloudWatch(Class<?> type) {
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        for (Class<?> i : c.getInterfaces()) {
          if (i.getName()
              .equals("software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient")) {
            return true;
          }
        }
      }
      return false;
    }

    private static boolean onClassPath(String className) {
      try {
        Class.forName(className, false, MetricsExporters.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }

    /**
     * Validates the settings and creates the enabled registries.
     *
     * @return the exporters
     * @throws ConfigurationException listing every invalid setting, every enabled backend whose
     *     artifact is missing and every backend Micrometer could not create
     */
    public MetricsExporters build() {
      ConfigBinder config = ConfigBinder.of(source, CONFIG_PREFIX);
      boolean prometheus = config.get(PROMETHEUS_ENABLED);
      Duration step = config.get(STEP);
      boolean otlp = config.get(OTLP_ENABLED);
      boolean stackdriver = config.get(STACKDRIVER_ENABLED);
      boolean cloudwatch = config.get(CLOUDWATCH_ENABLED);
      boolean datadog = config.get(DATADOG_ENABLED);
      Map<String, String> validated = new HashMap<>();
      validated.put("otlp.step", stepFor(config, "otlp", step));
      validated.put("stackdriver.step", stepFor(config, "stackdriver", step));
      validated.put("cloudwatch.step", stepFor(config, "cloudwatch", step));
      validated.put("datadog.step", stepFor(config, "datadog", step));
      if (otlp) {
        validated.put("otlp.url", config.get(OTLP_URL));
      }
      if (stackdriver) {
        putIfSet(validated, "stackdriver.projectId", config.get(STACKDRIVER_PROJECT_ID));
      }
      if (cloudwatch) {
        putIfSet(validated, "cloudwatch.namespace", config.get(CLOUDWATCH_NAMESPACE));
      }
      String applicationKey = config.get(DATADOG_APPLICATION_KEY);
      if (datadog) {
        putIfSet(validated, "datadog.apiKey", config.get(DATADOG_API_KEY));
        if (applicationKey != null && !applicationKey.isBlank()) {
          validated.put("datadog.applicationKey", applicationKey);
        }
      }
      List<ConfigProblem> problems = new ArrayList<>(config.problems());
      Map<Backend, Boolean> wanted = new EnumMap<>(Backend.class);
      wanted.put(Backend.PROMETHEUS, prometheus);
      wanted.put(Backend.OTLP, otlp);
      wanted.put(Backend.STACKDRIVER, stackdriver);
      wanted.put(Backend.CLOUDWATCH, cloudwatch);
      wanted.put(Backend.DATADOG, datadog);
      for (Map.Entry<Backend, Boolean> e : wanted.entrySet()) {
        Backend b = e.getKey();
        if (e.getValue() && !classPresent.test(b.registryClassName())) {
          problems.add(
              new ConfigProblem(
                  CONFIG_PREFIX + "." + b.key() + ".enabled",
                  "true",
                  "configuration",
                  "false unless " + b.artifact() + " is on the class path"));
        }
      }
      if (!problems.isEmpty()) {
        throw new ConfigurationException(problems);
      }
      MicrometerConfig bridge = new MicrometerConfig(source, CONFIG_PREFIX, validated);
      Map<Backend, MeterRegistry> created = new EnumMap<>(Backend.class);
      try {
        for (Map.Entry<Backend, Boolean> e : wanted.entrySet()) {
          if (e.getValue()) {
            created.put(e.getKey(), create(e.getKey(), bridge));
          }
        }
      } catch (RuntimeException e) {
        new MetricsExporters(created, false).close();
        throw new ConfigurationException(
            "metrics backend could not be created: "
                + e.getClass().getSimpleName()
                + ": "
                + e.getMessage());
      }
      return new MetricsExporters(created, applicationKey != null && !applicationKey.isBlank());
    }

    private static String stepFor(ConfigBinder config, String backend, Duration shared) {
      Setting<Duration> own =
          Setting.durationSetting(backend + ".step", ChronoUnit.SECONDS)
              .between(Duration.ofSeconds(1), Duration.ofHours(1))
              .build();
      return DurationText.format(config.find(own).orElse(shared));
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
      if (value != null) {
        map.put(key, value);
      }
    }

    private MeterRegistry create(Backend backend, MicrometerConfig bridge) {
      switch (backend) {
        case PROMETHEUS:
          PrometheusConfig prometheusConfig = bridge::get;
          return new PrometheusMeterRegistry(
              prometheusConfig,
              new io.prometheus.metrics.model.registry.PrometheusRegistry(),
              clock);
        case OTLP:
          return PushRegistries.otlp(bridge, clock);
        case STACKDRIVER:
          return PushRegistries.stackdriver(bridge, clock);
        case CLOUDWATCH:
          return PushRegistries.cloudWatch(bridge, clock, cloudWatchClient);
        case DATADOG:
          return PushRegistries.datadog(bridge, clock);
        default:
          throw new IllegalStateException("unknown backend " + backend);
      }
    }
  }
}
