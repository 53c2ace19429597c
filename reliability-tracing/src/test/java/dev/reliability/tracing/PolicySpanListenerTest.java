package dev.reliability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.context.ContextHygiene;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.test.ManualScheduler;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class PolicySpanListenerTest {

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

  private static SpanData named(Iterable<SpanData> all, String name) {
    for (SpanData s : all) {
      if (s.getName().equals(name)) {
        return s;
      }
    }
    throw new AssertionError("no span " + name);
  }

  @Test
  void aRetriedCallIsOneSpanWithAttemptsAndRetriesAsEvents() {
    AtomicInteger calls = new AtomicInteger();
    // docs/tracing.md: policy spans
    Policy policy =
        Policy.builder("payments")
            .retry(
                RetryConfig.builder()
                    .maxRetries(2)
                    .backoff(Backoff.fixed(Duration.ofMillis(100)))
                    .retryOn(IllegalStateException.class)
                    .build())
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .listener(PolicySpanListener.create(tracing))
            .scheduler(scheduler)
            .build();
    Span parent = tracing.tracer().spanBuilder("handler").startSpan();
    String result;
    try (Scope s = parent.makeCurrent();
        ContextScope c = RequestContext.of("req-policy").bind()) {
      result =
          policy.execute(
              () -> {
                if (calls.incrementAndGet() < 3) {
                  throw new IllegalStateException("flaky");
                }
                return "paid";
              });
    } finally {
      parent.end();
      policy.close();
    }

    assertThat(result).isEqualTo("paid");
    SpanData span = named(spans.getFinishedSpanItems(), "policy payments");
    assertThat(span.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(span.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(span.getAttributes().get(TracingAttributes.POLICY_NAME)).isEqualTo("payments");
    assertThat(span.getAttributes().get(TracingAttributes.REQUEST_ID)).isEqualTo("req-policy");
    assertThat(span.getAttributes().get(TracingAttributes.POLICY_OUTCOME)).isEqualTo("success");
    assertThat(span.getAttributes().get(TracingAttributes.POLICY_ATTEMPTS)).isEqualTo(3L);
    assertThat(span.getAttributes().get(TracingAttributes.CIRCUIT_STATE)).isEqualTo("CLOSED");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getEvents())
        .extracting(EventData::getName)
        .containsExactly(
            "attempt", "attempt.failed", "retry", "attempt", "attempt.failed", "retry", "attempt");
    EventData firstRetry = span.getEvents().get(2);
    assertThat(firstRetry.getAttributes().get(TracingAttributes.POLICY_ATTEMPT)).isEqualTo(2L);
  }

  @Test
  void aFailedOrRejectedCallEndsInError() {
    Policy policy =
        Policy.builder("inventory")
            .circuitBreaker(
                CircuitBreakerConfig.builder().failureThreshold(1).minimumCalls(1).build())
            .listener(PolicySpanListener.create(tracing))
            .scheduler(scheduler)
            .build();
    try {
      assertThatThrownBy(
              () ->
                  policy.execute(
                      () -> {
                        throw new IllegalStateException("down");
                      }))
          .hasMessage("down");
      assertThatThrownBy(() -> policy.execute(() -> "never"))
          .isInstanceOf(CircuitOpenException.class);
    } finally {
      policy.close();
    }

    assertThat(spans.getFinishedSpanItems()).hasSize(2);
    SpanData failed = spans.getFinishedSpanItems().get(0);
    SpanData rejected = spans.getFinishedSpanItems().get(1);
    assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(failed.getAttributes().get(TracingAttributes.POLICY_OUTCOME)).isEqualTo("failure");
    assertThat(failed.getEvents()).extracting(EventData::getName).contains("exception");
    assertThat(rejected.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(rejected.getAttributes().get(TracingAttributes.POLICY_OUTCOME))
        .isEqualTo("rejected");
    assertThat(rejected.getAttributes().get(TracingAttributes.POLICY_ATTEMPTS)).isZero();
    assertThat(rejected.getEvents()).extracting(EventData::getName).contains("rejected");
  }

  @Test
  void attemptsOnThePolicysOwnThreadsSeeTheRequestContextAndTheSpan() {
    Policy policy =
        Policy.builder("search")
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(10)))
            .listener(PolicySpanListener.create(tracing))
            .build();
    Span parent = tracing.tracer().spanBuilder("handler").startSpan();
    String seen;
    try (Scope s = parent.makeCurrent();
        ContextScope c = RequestContext.of("req-hop").bind()) {
      seen =
          policy.execute(
              () ->
                  Thread.currentThread().getName().equals(callerThread())
                      + " "
                      + RequestContext.currentRequestId()
                      + " "
                      + MDC.get("request_id")
                      + " "
                      + MDC.get("span_id")
                      + " "
                      + Span.current().getSpanContext().getSpanId());
    } finally {
      parent.end();
      policy.close();
    }
    String spanId = parent.getSpanContext().getSpanId();
    assertThat(seen).isEqualTo("false req-hop req-hop " + spanId + " " + spanId);
  }

  private final String caller = Thread.currentThread().getName();

  private String callerThread() {
    return caller;
  }

  @Test
  void doesNothingWhenTracingIsOff() {
    PolicySpanListener off = PolicySpanListener.create(ServiceTracing.disabled());
    assertThat(off.onCallStart("p")).isNull();
    assertThat(off).hasToString("PolicySpanListener[ServiceTracing[disabled]]");
  }
}
