package dev.reliability.tracing;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.tracing.internal.ErrorTraceProcessor;
import dev.reliability.tracing.internal.ErrorTraceSampler;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sets up OpenTelemetry tracing for a service: the SDK configured from the standard {@code OTEL_*}
 * environment variables, with this library's defaults, or nothing at all when tracing is off.
 *
 * <p>The SDK is built by OpenTelemetry's own autoconfiguration ({@code
 * opentelemetry-sdk-extension-autoconfigure}), so every standard variable works: {@code
 * OTEL_SERVICE_NAME}, {@code OTEL_RESOURCE_ATTRIBUTES}, {@code OTEL_TRACES_EXPORTER} ({@code otlp}
 * by default, {@code console} or {@code logging} for local use, {@code none}), {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_PROTOCOL} ({@code grpc} or {@code
 * http/protobuf}), {@code OTEL_EXPORTER_OTLP_HEADERS}, {@code OTEL_TRACES_SAMPLER}, {@code
 * OTEL_PROPAGATORS} and the rest. This class only changes defaults: the service name, environment
 * and resource attributes set in code; parent-based ratio sampling at {@link #SAMPLE_RATIO} (10%);
 * W3C trace context and baggage propagation; metrics and logs exporters off (this module exports
 * traces only). A variable that is set always wins over these defaults.
 *
 * <p><b>On/off.</b> Tracing is off unless {@link #ENABLED} ({@code reliability.tracing.enabled},
 * env {@code RELIABILITY_TRACING_ENABLED}; seed name {@code ENABLE_TRACING} through {@link
 * #LEGACY_ALIASES}) or {@link Builder#enabled(boolean)} turns it on. Off means {@link
 * OpenTelemetry#noop()}: no SDK, no exporter thread, spans are no-ops and no {@code traceparent} is
 * sent; request IDs still work.
 *
 * <p><b>Error traces.</b> Head sampling decides when a trace starts, before anyone knows whether it
 * will fail. With {@link #KEEP_ERROR_TRACES} on (the default) every span is recorded in-process and
 * the local part of an unsampled trace is exported when one of its spans ends with status {@code
 * ERROR}. It cannot bring back spans of other services in the same trace, which saw "not sampled"
 * and recorded nothing; for complete error traces across services, sample 100% at the head and keep
 * errors with tail sampling in an OpenTelemetry Collector (see docs/tracing.md).
 *
 * <pre>{@code
 * try (ServiceTracing tracing = ServiceTracing.builder()
 *     .serviceName("orders")
 *     .environment("production")
 *     .configSource(ConfigSource.standard().withAliases(ServiceTracing.LEGACY_ALIASES))
 *     .build()) {
 *   Tracer tracer = tracing.tracer();
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #close()} flushes and shuts the SDK down (waiting at most 10
 * seconds); an instance made by {@link #of(OpenTelemetry)} does not own the SDK and does not shut
 * it down.
 */
public final class ServiceTracing implements AutoCloseable {

  /** The configuration prefix of this component. */
  public static final String CONFIG_PREFIX = "reliability.tracing";

  /** The instrumentation scope name of the spans this library creates. */
  public static final String INSTRUMENTATION_NAME = "dev.reliability";

  /** Whether tracing is on. Default false. */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .defaultValue(false)
          .description("Turns OpenTelemetry tracing on; off means no SDK and no exporter")
          .build();

  /** The share of new traces sampled at the head; children follow their parent. Default 10%. */
  public static final Setting<Double> SAMPLE_RATIO =
      Setting.percentageSetting("sample-ratio")
          .defaultValue(0.1)
          .description("Share of new traces kept by parent-based ratio sampling")
          .build();

  /** Whether unsampled traces are recorded and their local part kept if they fail. Default true. */
  public static final Setting<Boolean> KEEP_ERROR_TRACES =
      Setting.booleanSetting("keep-error-traces")
          .defaultValue(true)
          .description(
              "Record unsampled spans and export the local part of a trace that ends in an error")
          .build();

  /** Every setting of this component, for the configuration reference. */
  public static final List<Setting<?>> SETTINGS = List.of(ENABLED, SAMPLE_RATIO, KEEP_ERROR_TRACES);

  /**
   * The environment variable names the seed services used, for {@link
   * ConfigSource#withAliases(Map)}: {@code ENABLE_TRACING} and {@code TRACE_SAMPLE_RATE}.
   */
  public static final Map<String, String> LEGACY_ALIASES =
      Map.of(
          CONFIG_PREFIX + ".enabled", "ENABLE_TRACING",
          CONFIG_PREFIX + ".sample-ratio", "TRACE_SAMPLE_RATE");

  private static final int MAX_HELD_TRACES = 2048;
  private static final int MAX_HELD_SPANS_PER_TRACE = 256;

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;
  private final boolean enabled;
  private final double sampleRatio;
  private final boolean keepErrorTraces;

  private ServiceTracing(
      OpenTelemetry openTelemetry,
      OpenTelemetrySdk sdk,
      boolean enabled,
      double sampleRatio,
      boolean keepErrorTraces) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
    this.enabled = enabled;
    this.sampleRatio = sampleRatio;
    this.keepErrorTraces = keepErrorTraces;
  }

  /**
   * Returns tracing that is off: no-op spans, no propagation of trace context.
   *
   * @return a disabled instance
   */
  public static ServiceTracing disabled() {
    return new ServiceTracing(OpenTelemetry.noop(), null, false, 0.0, false);
  }

  /**
   * Uses an OpenTelemetry instance set up elsewhere (by the Java agent, a framework or your own
   * code). The instance is not owned: {@link #close()} does not shut it down.
   *
   * @param openTelemetry the instance
   * @return an enabled instance using it
   */
  public static ServiceTracing of(OpenTelemetry openTelemetry) {
    Checks.notNull("openTelemetry", openTelemetry);
    return new ServiceTracing(openTelemetry, null, true, Double.NaN, false);
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
   * Returns the OpenTelemetry instance: the SDK when on, {@link OpenTelemetry#noop()} when off.
   *
   * @return the instance
   */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /**
   * Returns the tracer for this library's spans ({@value #INSTRUMENTATION_NAME}).
   *
   * @return the tracer
   */
  public Tracer tracer() {
    return tracer;
  }

  /**
   * Returns the propagator that reads and writes {@code traceparent} and {@code baggage}.
   *
   * @return the configured propagator; a no-op when off
   */
  public TextMapPropagator propagator() {
    return openTelemetry.getPropagators().getTextMapPropagator();
  }

  /**
   * Returns whether tracing is on.
   *
   * @return true if spans are recorded and trace context is propagated
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Returns the head sampling ratio this instance configured by default.
   *
   * @return the ratio, 0.0 when off, NaN for {@link #of(OpenTelemetry)}
   */
  public double sampleRatio() {
    return sampleRatio;
  }

  /**
   * Returns whether failed unsampled traces are kept.
   *
   * @return true if on
   */
  public boolean keepsErrorTraces() {
    return keepErrorTraces;
  }

  /**
   * Exports every finished span now, waiting at most 10 seconds.
   *
   * @return true if the export finished in time and succeeded, or there is nothing to flush
   */
  public boolean flush() {
    if (sdk == null) {
      return true;
    }
    CompletableResultCode result = sdk.getSdkTracerProvider().forceFlush();
    return result.join(10, TimeUnit.SECONDS).isSuccess();
  }

  /** Flushes and shuts down the SDK this instance built, waiting at most 10 seconds. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return enabled
        ? "ServiceTracing[enabled, sampleRatio="
            + sampleRatio
            + ", keepErrorTraces="
            + keepErrorTraces
            + "]"
        : "ServiceTracing[disabled]";
  }

  /** Builds a {@link ServiceTracing}. Not thread-safe. */
  public static final class Builder {
    private String serviceName;
    private String environment;
    private final Map<String, String> resourceAttributes = new LinkedHashMap<>();
    private Boolean enabled;
    private Double sampleRatio;
    private Boolean keepErrorTraces;
    private ConfigSource config = ConfigSource.empty();
    private Map<String, String> otelEnvironment;
    private SpanExporter spanExporter;

    private Builder() {}

    /**
     * Sets the service name ({@code service.name}); {@code OTEL_SERVICE_NAME} wins if set.
     *
     * @param serviceName the name, such as {@code orders}
     * @return this builder
     */
    public Builder serviceName(String serviceName) {
      this.serviceName = Checks.notBlank("serviceName", serviceName);
      return this;
    }

    /**
     * Sets the deployment environment ({@code deployment.environment.name}).
     *
     * @param environment the environment, such as {@code production}
     * @return this builder
     */
    public Builder environment(String environment) {
      this.environment = Checks.notBlank("environment", environment);
      return this;
    }

    /**
     * Adds a resource attribute; {@code OTEL_RESOURCE_ATTRIBUTES} wins for the same key.
     *
     * @param key the attribute key
     * @param value the value
     * @return this builder
     */
    public Builder resourceAttribute(String key, String value) {
      resourceAttributes.put(Checks.notBlank("key", key), Checks.notNull("value", value));
      return this;
    }

    /**
     * Turns tracing on or off; {@link #ENABLED} in the configuration source wins.
     *
     * @param enabled whether tracing is on
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Sets the head sampling ratio; {@link #SAMPLE_RATIO} in the configuration source and {@code
     * OTEL_TRACES_SAMPLER}/{@code OTEL_TRACES_SAMPLER_ARG} win. Default 0.1.
     *
     * @param ratio 0.0 to 1.0
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder sampleRatio(double ratio) {
      this.sampleRatio = SAMPLE_RATIO.check(ratio);
      return this;
    }

    /**
     * Records unsampled spans and keeps the local part of traces that fail. Default true.
     *
     * @param keep whether to keep error traces
     * @return this builder
     */
    public Builder keepErrorTraces(boolean keep) {
      this.keepErrorTraces = keep;
      return this;
    }

    /**
     * Reads this component's settings ({@code reliability.tracing.*}) from a source. Default: none
     * (only the values set in code and the defaults).
     *
     * @param source the source, such as {@link ConfigSource#standard()}
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.config = Checks.notNull("source", source);
      return this;
    }

    /**
     * Supplies {@code OTEL_*} variables that win over the process environment, for tests and for
     * settings kept in a file.
     *
     * @param variables variable names such as {@code OTEL_EXPORTER_OTLP_ENDPOINT} to values
     * @return this builder
     */
    public Builder otelEnvironment(Map<String, String> variables) {
      this.otelEnvironment = Map.copyOf(Checks.notNull("variables", variables));
      return this;
    }

    /**
     * Exports spans to this exporter, one by one as they end, instead of the exporter named by
     * {@code OTEL_TRACES_EXPORTER}. For tests (the SDK's {@code InMemorySpanExporter}) and local
     * development.
     *
     * @param exporter the exporter; shut down with this instance
     * @return this builder
     */
    public Builder spanExporter(SpanExporter exporter) {
      this.spanExporter = Checks.notNull("exporter", exporter);
      return this;
    }

    /**
     * Builds the tracing set-up.
     *
     * @return tracing, on or off
     * @throws dev.reliability.core.config.ConfigurationException if a setting in the source is
     *     invalid
     */
    public ServiceTracing build() {
      ConfigBinder binder = ConfigBinder.of(config, CONFIG_PREFIX);
      boolean on = binder.get(ENABLED, enabled);
      double ratio = binder.get(SAMPLE_RATIO, sampleRatio);
      boolean keep = binder.get(KEEP_ERROR_TRACES, keepErrorTraces);
      binder.throwIfInvalid();
      if (!on) {
        return disabled();
      }
      Map<String, String> defaults = new LinkedHashMap<>();
      defaults.put("otel.traces.sampler", "parentbased_traceidratio");
      defaults.put("otel.traces.sampler.arg", Double.toString(ratio));
      defaults.put("otel.metrics.exporter", "none");
      defaults.put("otel.logs.exporter", "none");
      defaults.put("otel.propagators", "tracecontext,baggage");
      if (serviceName != null) {
        defaults.put("otel.service.name", serviceName);
      }
      if (spanExporter != null) {
        defaults.put("otel.traces.exporter", "none");
      }
      Map<String, String> overrides = new LinkedHashMap<>();
      if (otelEnvironment != null) {
        otelEnvironment.forEach((k, v) -> overrides.put(propertyName(k), v));
      }
      if (spanExporter != null) {
        overrides.put("otel.traces.exporter", "none");
      }
      Map<String, String> extraResource = new LinkedHashMap<>(resourceAttributes);
      if (environment != null) {
        extraResource.putIfAbsent("deployment.environment.name", environment);
      }
      SpanExporter exporter = spanExporter;
      AutoConfiguredOpenTelemetrySdk auto =
          AutoConfiguredOpenTelemetrySdk.builder()
              .addPropertiesSupplier(() -> defaults)
              .addPropertiesCustomizer(props -> overrides)
              .addResourceCustomizer(
                  (resource, props) -> {
                    // Attributes set in code are defaults: OTEL_RESOURCE_ATTRIBUTES wins.
                    var b = Attributes.builder();
                    extraResource.forEach(
                        (k, v) -> {
                          if (resource.getAttribute(AttributeKey.stringKey(k)) == null) {
                            b.put(k, v);
                          }
                        });
                    return resource.merge(Resource.create(b.build()));
                  })
              .addSamplerCustomizer(
                  (sampler, props) -> keep ? new ErrorTraceSampler(sampler) : sampler)
              .addSpanProcessorCustomizer(
                  (processor, props) ->
                      keep
                          ? new ErrorTraceProcessor(
                              processor, MAX_HELD_TRACES, MAX_HELD_SPANS_PER_TRACE)
                          : processor)
              .addTracerProviderCustomizer(
                  (tracerProvider, props) -> {
                    if (exporter != null) {
                      SpanProcessor simple = SimpleSpanProcessor.create(exporter);
                      tracerProvider.addSpanProcessor(
                          keep
                              ? new ErrorTraceProcessor(
                                  simple, MAX_HELD_TRACES, MAX_HELD_SPANS_PER_TRACE)
                              : simple);
                    }
                    return tracerProvider;
                  })
              .disableShutdownHook()
              .build();
      OpenTelemetrySdk sdk = auto.getOpenTelemetrySdk();
      return new ServiceTracing(sdk, sdk, true, ratio, keep);
    }

    /** {@code OTEL_EXPORTER_OTLP_ENDPOINT} to {@code otel.exporter.otlp.endpoint}. */
    static String propertyName(String variable) {
      return variable.toLowerCase(Locale.ROOT).replace('_', '.');
    }
  }
}
