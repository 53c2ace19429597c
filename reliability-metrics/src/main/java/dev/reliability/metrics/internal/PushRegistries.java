package dev.reliability.metrics.internal;

import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.datadog.DatadogConfig;
import io.micrometer.datadog.DatadogMeterRegistry;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.micrometer.stackdriver.StackdriverConfig;
import io.micrometer.stackdriver.StackdriverMeterRegistry;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

/**
 * Creates the optional push registries. Each method touches only its own backend's classes, and the
 * caller checks the class path first, so a missing optional dependency never fails class loading
 * here.
 *
 * <p>Internal: may change at any time.
 */
public final class PushRegistries {

  private PushRegistries() {}

  /**
   * Creates an OTLP registry; it starts publishing at once.
   *
   * @param config the config bridge
   * @param clock the clock
   * @return the registry
   */
  public static MeterRegistry otlp(MicrometerConfig config, Clock clock) {
    OtlpConfig c = config::get;
    return OtlpMeterRegistry.builder(c).clock(clock).build();
  }

  /**
   * Creates a Datadog registry; it starts publishing at once.
   *
   * @param config the config bridge
   * @param clock the clock
   * @return the registry
   */
  public static MeterRegistry datadog(MicrometerConfig config, Clock clock) {
    DatadogConfig c = config::get;
    return new DatadogMeterRegistry(c, clock);
  }

  /**
   * Creates a Google Cloud Monitoring registry; it starts publishing at once.
   *
   * @param config the config bridge
   * @param clock the clock
   * @return the registry
   */
  public static MeterRegistry stackdriver(MicrometerConfig config, Clock clock) {
    StackdriverConfig c = config::get;
    return StackdriverMeterRegistry.builder(c).clock(clock).build();
  }

  /**
   * Creates a CloudWatch registry; it starts publishing at once.
   *
   * @param config the config bridge
   * @param clock the clock
   * @param client the client, or null to create one from the AWS default region and credential
   *     chains
   * @return the registry
   */
  public static MeterRegistry cloudWatch(MicrometerConfig config, Clock clock, Object client) {
    CloudWatchConfig c = config::get;
    CloudWatchAsyncClient cw =
        client == null ? CloudWatchAsyncClient.create() : (CloudWatchAsyncClient) client;
    return new CloudWatchMeterRegistry(c, clock, cw);
  }
}
