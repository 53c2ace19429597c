package dev.reliability.metrics.export;

/**
 * The metrics backends {@link MetricsExporters} can create a Micrometer registry for. Every backend
 * but Prometheus is an optional dependency that the application adds itself.
 */
public enum Backend {
  /** Prometheus scraping, {@code io.micrometer:micrometer-registry-prometheus} (always present). */
  PROMETHEUS(
      "prometheus",
      "io.micrometer:micrometer-registry-prometheus",
      "io.micrometer.prometheusmetrics.PrometheusMeterRegistry"),
  /** OTLP push over HTTP/protobuf, {@code io.micrometer:micrometer-registry-otlp}. */
  OTLP(
      "otlp",
      "io.micrometer:micrometer-registry-otlp",
      "io.micrometer.registry.otlp.OtlpMeterRegistry"),
  /** Google Cloud Monitoring, {@code io.micrometer:micrometer-registry-stackdriver}. */
  STACKDRIVER(
      "stackdriver",
      "io.micrometer:micrometer-registry-stackdriver",
      "io.micrometer.stackdriver.StackdriverMeterRegistry"),
  /** AWS CloudWatch (SDK v2), {@code io.micrometer:micrometer-registry-cloudwatch2}. */
  CLOUDWATCH(
      "cloudwatch",
      "io.micrometer:micrometer-registry-cloudwatch2",
      "io.micrometer.cloudwatch2.CloudWatchMeterRegistry"),
  /** Datadog HTTP API, {@code io.micrometer:micrometer-registry-datadog}. */
  DATADOG(
      "datadog",
      "io.micrometer:micrometer-registry-datadog",
      "io.micrometer.datadog.DatadogMeterRegistry");

  private final String key;
  private final String artifact;
  private final String registryClass;

  Backend(String key, String artifact, String registryClass) {
    this.key = key;
    this.artifact = artifact;
    this.registryClass = registryClass;
  }

  /**
   * Returns the configuration key segment, which is also Micrometer's config prefix.
   *
   * @return the key, such as {@code otlp}
   */
  public String key() {
    return key;
  }

  /**
   * Returns the Maven coordinates to add for this backend.
   *
   * @return {@code groupId:artifactId}
   */
  public String artifact() {
    return artifact;
  }

  /**
   * Returns the Micrometer registry class, used to check the class path.
   *
   * @return the fully qualified class name
   */
  public String registryClassName() {
    return registryClass;
  }
}
