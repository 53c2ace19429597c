package dev.reliability.metrics.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

class MetricsExportersTest {

  private static ConfigSource config(Map<String, String> values) {
    return ConfigSource.fromMap("test", values);
  }

  @Test
  void createsOnlyPrometheusByDefault() {
    try (MetricsExporters exporters =
        MetricsExporters.builder().configSource(config(Map.of())).build()) {
      assertThat(exporters.backends()).containsExactly(Backend.PROMETHEUS);
      assertThat(exporters.prometheus()).isPresent();
      assertThat(exporters.registries()).hasSize(1);
    }
  }

  @Test
  void prometheusCanBeTurnedOff() {
    try (MetricsExporters exporters =
        MetricsExporters.builder()
            .configSource(config(Map.of("reliability.metrics.prometheus.enabled", "false")))
            .build()) {
      assertThat(exporters.backends()).isEmpty();
      assertThat(exporters.prometheus()).isEmpty();
    }
  }

  @Test
  void otlpPushIsReceivedAndDecoded() throws Exception {
    try (Receiver collector = new Receiver("")) {
      MetricsExporters exporters =
          MetricsExporters.builder()
              .configSource(
                  config(
                      Map.of(
                          "reliability.metrics.prometheus.enabled", "false",
                          "reliability.metrics.otlp.enabled", "true",
                          "reliability.metrics.otlp.url", collector.url() + "/v1/metrics",
                          "reliability.metrics.otlp.resource-attributes", "service.name=checkout",
                          "reliability.metrics.step", "1h")))
              .build();
      MeterRegistry otlp = exporters.registry(Backend.OTLP).orElseThrow();
      Counter.builder("reliability.test.calls")
          .tag("outcome", "success")
          .register(otlp)
          .increment(3);
      Timer.builder("reliability.test.latency").register(otlp).record(Duration.ofMillis(250));

      exporters.close(); // publishes the last batch

      assertThat(collector.requests).hasSize(1);
      Receiver.Request push = collector.requests.get(0);
      assertThat(push.path()).isEqualTo("/v1/metrics");
      assertThat(push.contentType()).isEqualTo("application/x-protobuf");
      ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(push.body());
      var resource = request.getResourceMetrics(0).getResource();
      assertThat(resource.getAttributesList())
          .anySatisfy(
              a -> {
                assertThat(a.getKey()).isEqualTo("service.name");
                assertThat(a.getValue().getStringValue()).isEqualTo("checkout");
              });
      List<Metric> metrics = request.getResourceMetrics(0).getScopeMetrics(0).getMetricsList();
      Metric calls =
          metrics.stream()
              .filter(m -> m.getName().equals("reliability.test.calls"))
              .findFirst()
              .orElseThrow();
      assertThat(calls.getSum().getDataPoints(0).getAsDouble()).isEqualTo(3.0);
      assertThat(calls.getSum().getDataPoints(0).getAttributes(0).getKey()).isEqualTo("outcome");
      Metric latency =
          metrics.stream()
              .filter(m -> m.getName().equals("reliability.test.latency"))
              .findFirst()
              .orElseThrow();
      assertThat(latency.getHistogram().getDataPoints(0).getCount()).isEqualTo(1);
      assertThat(latency.getUnit()).isEqualTo("milliseconds");
    }
  }

  @Test
  void datadogPushIsReceived() throws Exception {
    try (Receiver datadog = new Receiver("{}")) {
      MetricsExporters exporters =
          MetricsExporters.builder()
              .configSource(
                  config(
                      Map.of(
                          "reliability.metrics.datadog.enabled", "true",
                          "reliability.metrics.datadog.api-key", "test-key",
                          "reliability.metrics.datadog.uri", datadog.url(),
                          "reliability.metrics.step", "1h")))
              .build();
      assertThat(exporters.hasDatadogApplicationKey()).isFalse();
      MeterRegistry registry = exporters.registry(Backend.DATADOG).orElseThrow();
      Counter.builder("reliability.test.calls")
          .tag("outcome", "success")
          .register(registry)
          .increment(2);

      exporters.close();

      assertThat(datadog.requests)
          .anySatisfy(
              r -> {
                assertThat(r.path()).isEqualTo("/api/v1/series");
                String body = new String(r.body(), StandardCharsets.UTF_8);
                assertThat(body).contains("\"metric\":\"reliability.test.calls\"");
                assertThat(body).contains("\"outcome:success\"");
              });
    }
  }

  @Test
  void cloudWatchPushIsReceivedWithTheSeedNamespaceAlias() throws Exception {
    try (Receiver aws = new Receiver("")) {
      CloudWatchAsyncClient client =
          CloudWatchAsyncClient.builder()
              .endpointOverride(URI.create(aws.url()))
              .region(Region.US_EAST_1)
              .credentialsProvider(
                  StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret")))
              .build();
      MetricsExporters exporters =
          MetricsExporters.builder()
              .configSource(
                  config(
                          Map.of(
                              "reliability.metrics.cloudwatch.enabled", "true",
                              "METRICS_NAMESPACE", "WeightValidation",
                              "reliability.metrics.step", "1h"))
                      .withAliases(
                          Map.of("reliability.metrics.cloudwatch.namespace", "METRICS_NAMESPACE")))
              .cloudWatchClient(client)
              .build();
      MeterRegistry registry = exporters.registry(Backend.CLOUDWATCH).orElseThrow();
      Counter.builder("reliability.test.calls").register(registry).increment();

      exporters.close();
      client.close();

      assertThat(aws.requests)
          .anySatisfy(
              r -> {
                String body = new String(r.body(), StandardCharsets.UTF_8);
                assertThat(body).contains("Action=PutMetricData");
                assertThat(body).contains("Namespace=WeightValidation");
                assertThat(body).contains("reliability.test.calls");
              });
    }
  }

  @Test
  void reportsEveryInvalidSettingAtOnce() {
    assertThatThrownBy(
            () ->
                MetricsExporters.builder()
                    .configSource(
                        config(
                            Map.of(
                                "reliability.metrics.otlp.enabled", "true",
                                "reliability.metrics.otlp.url", "ftp://collector",
                                "reliability.metrics.step", "0s",
                                "reliability.metrics.datadog.enabled", "yes")))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((ConfigurationException) e).problems())
                    .extracting(p -> p.describe())
                    .containsExactlyInAnyOrder(
                        "reliability.metrics.step must be a duration between 1s and 1h, was \"0s\""
                            + " (from test key reliability.metrics.step)",
                        "reliability.metrics.otlp.url must be an http or https URL, was"
                            + " \"ftp://collector\" (from test key reliability.metrics.otlp.url)",
                        "reliability.metrics.datadog.api-key is required and must be a Datadog API"
                            + " key, was not set"));
  }

  @Test
  void anEnabledBackendWithoutItsArtifactFailsWithTheArtifactName() {
    assertThatThrownBy(
            () ->
                MetricsExporters.builder()
                    .configSource(
                        config(
                            Map.of(
                                "reliability.metrics.stackdriver.enabled", "true",
                                "reliability.metrics.stackdriver.project-id", "my-project")))
                    .classPresent(name -> !name.contains("stackdriver"))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((ConfigurationException) e).problems())
                    .extracting(p -> p.describe())
                    .containsExactly(
                        "reliability.metrics.stackdriver.enabled must be false unless"
                            + " io.micrometer:micrometer-registry-stackdriver is on the class path,"
                            + " was \"true\" (from configuration)"));
  }

  @Test
  void stackdriverNeedsAProjectId() {
    // Only validation is exercised: creating the registry would look up Google credentials.
    assertThatThrownBy(
            () ->
                MetricsExporters.builder()
                    .configSource(config(Map.of("reliability.metrics.stackdriver.enabled", "true")))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((ConfigurationException) e).problems())
                    .extracting(p -> p.describe())
                    .containsExactly(
                        "reliability.metrics.stackdriver.project-id is required and must be a"
                            + " Google Cloud project ID, was not set"));
  }

  @Test
  void rejectsAClientOfAnotherType() {
    assertThatThrownBy(() -> MetricsExporters.builder().cloudWatchClient("client"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("client must be a CloudWatchAsyncClient, was java.lang.String");
  }
}
