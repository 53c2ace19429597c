package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.reliability.core.policy.ChaosKind;
import dev.reliability.core.policy.ChaosSwitch;
import dev.reliability.examples.support.Chaos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The example's chaos endpoint drives the library's chaos strategies, whose marks show. */
class ExampleChaosStrategiesTest {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static ExampleService service;
  private static ListAppender<ILoggingEvent> logs;

  @BeforeAll
  static void start() throws Exception {
    logs =
        new ListAppender<>() {
          @Override
          protected void append(ILoggingEvent e) {
            e.prepareForDeferredProcessing();
            super.append(e);
          }
        };
    logs.start();
    policyLogger().addAppender(logs);
    service = ExampleService.start(ExampleServiceContractTest.config(Map.of()));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    policyLogger().detachAppender(logs);
  }

  private static Logger policyLogger() {
    return (Logger) LoggerFactory.getLogger(dev.reliability.core.policy.Policy.class);
  }

  private static HttpResponse<String> send(String method, String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theChaosEndpointTurnsTheBackendsChaosSwitchAndEveryInjectionIsMarked() throws Exception {
    ChaosSwitch chaos = service.backend().policy().chaos().orElseThrow();
    assertThat(chaos.isEnabled()).isFalse();

    assertThat(send("POST", "/admin/chaos?failureRate=1&latencyMs=5").statusCode()).isEqualTo(200);
    assertThat(chaos.isEnabled()).isTrue();
    assertThat(chaos.faultRate()).isEqualTo(1.0);
    assertThat(chaos.latency()).isEqualTo(Duration.ofMillis(5));
    assertThat(chaos.latencyRate()).isEqualTo(1.0);

    HttpResponse<String> quote = send("GET", "/api/quote");
    assertThat(quote.statusCode()).isEqualTo(503);
    assertThat(chaos.injections(ChaosKind.FAULT)).isEqualTo(1);
    assertThat(chaos.injections(ChaosKind.LATENCY)).isEqualTo(1);
    assertThat(
            logs.list.stream()
                .filter(e -> "chaos_injected".equals(e.getMDCPropertyMap().get("event")))
                .map(e -> e.getMDCPropertyMap().get("kind")))
        .containsExactly("latency", "fault");
    assertThat(send("GET", "/metrics").body())
        .containsPattern(
            "reliability_chaos_injections_total\\{kind=\"fault\",name=\""
                + QuoteBackend.CHAOS_POLICY
                + "\"[^}]*\\} 1\\.0");

    assertThat(send("POST", "/admin/chaos?failureRate=0&latencyMs=0").statusCode()).isEqualTo(200);
    assertThat(chaos.isEnabled()).isFalse();
    assertThat(service.backend().chaos()).isEqualTo(Chaos.HEALTHY);
  }
}
