package dev.reliability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.context.ContextHygiene;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.ChaosConfig;
import dev.reliability.core.policy.Policy;
import dev.reliability.test.ManualScheduler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Chaos injections marked on the policy's span. */
class PolicyChaosSpanTest {

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final ManualScheduler scheduler = ManualScheduler.create();
  private final ServiceTracing tracing =
      ServiceTracing.builder()
          .enabled(true)
          .sampleRatio(1.0)
          .spanExporter(spans)
          .otelEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none"))
          .build();

  @AfterEach
  void stop() {
    tracing.close();
    ContextHygiene.assertCurrentThreadClean();
  }

  private Policy policy(ChaosConfig chaos) {
    return Policy.builder("quotes")
        .scheduler(scheduler)
        .executor(Runnable::run)
        .listener(PolicySpanListener.create(tracing))
        .chaos(chaos)
        .build();
  }

  private static List<String> chaosEvents(SpanData span) {
    return span.getEvents().stream()
        .filter(e -> e.getName().equals("chaos.injected"))
        .map(PolicyChaosSpanTest::describe)
        .toList();
  }

  private static String describe(EventData e) {
    return e.getAttributes().get(AttributeKey.stringKey("chaos.kind"))
        + "/"
        + e.getAttributes().get(AttributeKey.stringKey("chaos.key"));
  }

  @Test
  void anInjectedFaultAndDelayAreEventsAndTheSpanSaysChaosInjected() {
    Policy policy =
        policy(
            ChaosConfig.builder()
                .enabled(true)
                .latency(Duration.ofMillis(20), 1.0)
                .faultRate(1.0)
                .keys(Set.of("canary"))
                .build());

    try (ContextScope scope = RequestContext.builder("r1").tenantId("canary").build().bind()) {
      assertThatThrownBy(() -> policy.execute(() -> "real"))
          .isInstanceOf(ServiceUnavailableException.class);
    }

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("policy quotes");
    assertThat(span.getAttributes().get(AttributeKey.booleanKey("chaos.injected"))).isTrue();
    assertThat(chaosEvents(span)).containsExactly("latency/canary", "fault/canary");
  }

  @Test
  void aSubstituteResultOfAnAsynchronousCallIsMarkedToo() {
    Policy policy = policy(ChaosConfig.builder().enabled(true).result(() -> "stale", 1.0).build());

    CompletableFuture<String> result =
        policy.executeAsync(() -> CompletableFuture.completedFuture("real"));

    assertThat(result).isCompletedWithValue("stale");
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(AttributeKey.booleanKey("chaos.injected"))).isTrue();
    assertThat(chaosEvents(span)).containsExactly("result/null");
  }

  @Test
  void aCallLeftUntouchedCarriesNoChaosMark() {
    Policy policy = policy(ChaosConfig.builder().faultRate(1.0).build());

    assertThat(policy.execute(() -> "real")).isEqualTo("real");

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(AttributeKey.booleanKey("chaos.injected"))).isNull();
    assertThat(chaosEvents(span)).isEmpty();
  }
}
