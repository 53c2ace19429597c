package dev.reliability.tracing;

import dev.reliability.core.context.RequestContext;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.ChaosKind;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.PolicyListener;
import dev.reliability.core.policy.RejectionReason;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.time.Duration;

/**
 * Traces guarded calls of the fault-tolerance policies: one {@code INTERNAL} span per call, named
 * {@code policy <name>}, a child of the span current when the call starts.
 *
 * <p>Attributes: {@code policy.name}, {@code request.id}, {@code policy.circuit_state} (at the last
 * attempt), {@code policy.attempts} and {@code policy.outcome}. Events: {@code attempt} per attempt
 * (with {@code policy.attempt} and the circuit state), {@code attempt.failed}, {@code retry} (next
 * attempt, delay), {@code rejected} (reason, retry-after), {@code timeout}, {@code fallback} and
 * {@code chaos.injected} (with {@code chaos.kind} and {@code chaos.key}; the span then also has the
 * attribute {@code chaos.injected=true}, so a rehearsal is never read as an outage); a circuit
 * state change seen during a traced request is an event on the current span. A call that ends in
 * {@code failure} or {@code rejected} gets status {@code ERROR} and the exception.
 *
 * <pre>{@code
 * Policy policy = Policy.builder("payments")
 *     .retry(RetryConfig.builder().maxRetries(2).build())
 *     .listener(PolicySpanListener.create(tracing))
 *     .build();
 * }</pre>
 *
 * <p>The span is not made current: the policy reports a call's start and end on whatever threads
 * run them, and a scope must be closed on the thread that opened it. Spans the guarded call creates
 * itself are therefore siblings of the policy span under the same parent. The context the policy
 * carries into attempts, retries and fallbacks (request context, current span) is the caller's,
 * through context-propagation.
 *
 * <p>With tracing off it returns null handles and does nothing else. Thread-safe; callbacks are
 * fast and never throw.
 */
public final class PolicySpanListener extends PolicyListener {

  private static final AttributeKey<String> EXCEPTION_TYPE =
      AttributeKey.stringKey("exception.type");
  private static final AttributeKey<Long> DELAY_MS = AttributeKey.longKey("policy.retry_delay_ms");
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("policy.reason");
  private static final AttributeKey<Long> RETRY_AFTER_MS =
      AttributeKey.longKey("policy.retry_after_ms");
  private static final AttributeKey<Long> TIMEOUT_MS = AttributeKey.longKey("policy.timeout_ms");
  private static final AttributeKey<String> FROM = AttributeKey.stringKey("policy.circuit_from");
  private static final AttributeKey<String> TO = AttributeKey.stringKey("policy.circuit_to");

  private static final AttributeKey<Boolean> CHAOS_INJECTED =
      AttributeKey.booleanKey("chaos.injected");
  private static final AttributeKey<String> CHAOS_KIND = AttributeKey.stringKey("chaos.kind");
  private static final AttributeKey<String> CHAOS_KEY = AttributeKey.stringKey("chaos.key");

  private final ServiceTracing tracing;

  private PolicySpanListener(ServiceTracing tracing) {
    this.tracing = tracing;
  }

  /**
   * Creates the listener.
   *
   * @param tracing the tracing set-up; nothing is recorded while it is disabled
   * @return the listener
   */
  public static PolicySpanListener create(ServiceTracing tracing) {
    return new PolicySpanListener(Checks.notNull("tracing", tracing));
  }

  @Override
  public Object onCallStart(String policy) {
    if (!tracing.isEnabled()) {
      return null;
    }
    var builder =
        tracing
            .tracer()
            .spanBuilder("policy " + policy)
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute(TracingAttributes.POLICY_NAME, policy);
    String requestId = RequestContext.currentRequestId();
    if (requestId != null) {
      builder.setAttribute(TracingAttributes.REQUEST_ID, requestId);
    }
    return builder.startSpan();
  }

  @Override
  public void onAttemptStart(String policy, Object handle, int attempt, CircuitState state) {
    if (handle instanceof Span span) {
      if (state == null) {
        span.addEvent("attempt", Attributes.of(TracingAttributes.POLICY_ATTEMPT, (long) attempt));
      } else {
        span.setAttribute(TracingAttributes.CIRCUIT_STATE, state.name());
        span.addEvent(
            "attempt",
            Attributes.of(
                TracingAttributes.POLICY_ATTEMPT,
                (long) attempt,
                TracingAttributes.CIRCUIT_STATE,
                state.name()));
      }
    }
  }

  @Override
  public void onAttemptEnd(
      String policy, Object handle, int attempt, Throwable failure, long durationNanos) {
    if (handle instanceof Span span && failure != null) {
      span.addEvent(
          "attempt.failed",
          Attributes.of(
              TracingAttributes.POLICY_ATTEMPT,
              (long) attempt,
              EXCEPTION_TYPE,
              failure.getClass().getName()));
    }
  }

  @Override
  public void onRetry(
      String policy, Object handle, int nextAttempt, Throwable failure, long delayNanos) {
    if (handle instanceof Span span) {
      span.addEvent(
          "retry",
          Attributes.of(
              TracingAttributes.POLICY_ATTEMPT,
              (long) nextAttempt,
              DELAY_MS,
              delayNanos / 1_000_000));
    }
  }

  @Override
  public void onRejected(
      String policy, Object handle, RejectionReason reason, Duration retryAfter) {
    if (handle instanceof Span span) {
      span.addEvent(
          "rejected",
          retryAfter == null
              ? Attributes.of(REASON, String.valueOf(reason))
              : Attributes.of(
                  REASON, String.valueOf(reason), RETRY_AFTER_MS, retryAfter.toMillis()));
    }
  }

  @Override
  public void onTimeout(String policy, Object handle, int attempt, Duration timeout) {
    if (handle instanceof Span span) {
      span.addEvent(
          "timeout",
          Attributes.of(
              TracingAttributes.POLICY_ATTEMPT, (long) attempt, TIMEOUT_MS, timeout.toMillis()));
    }
  }

  @Override
  public void onFallback(String policy, Object handle, Throwable failure) {
    if (handle instanceof Span span) {
      span.addEvent(
          "fallback",
          Attributes.of(EXCEPTION_TYPE, failure == null ? "none" : failure.getClass().getName()));
    }
  }

  @Override
  public void onCallEnd(
      String policy,
      Object handle,
      CallOutcome outcome,
      Throwable failure,
      int attempts,
      long durationNanos) {
    if (!(handle instanceof Span span)) {
      return;
    }
    span.setAttribute(TracingAttributes.POLICY_OUTCOME, outcome.tagValue());
    span.setAttribute(TracingAttributes.POLICY_ATTEMPTS, (long) attempts);
    if (outcome == CallOutcome.FAILURE || outcome == CallOutcome.REJECTED) {
      if (failure != null) {
        span.recordException(failure);
      }
      span.setStatus(StatusCode.ERROR, outcome.tagValue());
    }
    span.end();
  }

  @Override
  public void onStateChange(String policy, CircuitState from, CircuitState to) {
    Span current = Span.current();
    if (current.isRecording()) {
      current.addEvent(
          "circuit_state_change",
          Attributes.of(TracingAttributes.POLICY_NAME, policy, FROM, from.name(), TO, to.name()));
    }
  }

  @Override
  public void onChaosInjected(String policy, Object handle, ChaosKind kind, String key) {
    if (handle instanceof Span span) {
      span.setAttribute(CHAOS_INJECTED, true);
      span.addEvent(
          "chaos.injected",
          key == null
              ? Attributes.of(CHAOS_KIND, kind.tagValue())
              : Attributes.of(CHAOS_KIND, kind.tagValue(), CHAOS_KEY, key));
    }
  }

  @Override
  public String toString() {
    return "PolicySpanListener[" + tracing + "]";
  }
}
