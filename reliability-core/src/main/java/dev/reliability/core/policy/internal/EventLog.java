package dev.reliability.core.policy.internal;

import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.error.ReliabilityException;
import dev.reliability.core.internal.LogFields;
import dev.reliability.core.policy.ChaosKind;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RejectionReason;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Structured SLF4J events of policies, under the logger {@code dev.reliability.core.policy.Policy}.
 * Every event carries {@code event} and {@code policy} fields, so JSON logs can be queried by them
 * ({@code event="circuit_breaker_state_changed" AND state="OPEN"}). The fields travel in the MDC
 * ({@link LogFields}), so the events work with slf4j-api 1.7 as well as 2.x. Nothing is built
 * unless the level is enabled.
 *
 * <p>Internal: may change at any time.
 */
final class EventLog {

  static final Logger LOG = LoggerFactory.getLogger(Policy.class);

  private EventLog() {}

  private static LogFields fields(String event, String policy) {
    return LogFields.of("event", event).and("policy", policy);
  }

  static void stateChanged(String policy, CircuitState from, CircuitState to) {
    boolean warn = to == CircuitState.OPEN || to == CircuitState.FORCED_OPEN;
    if (warn ? !LOG.isWarnEnabled() : !LOG.isInfoEnabled()) {
      return;
    }
    LogFields f =
        fields("circuit_breaker_state_changed", policy)
            .and("from_state", from.name())
            .and("state", to.name());
    String format = "Circuit breaker of policy '{}' changed from {} to {}";
    if (warn) {
      f.warn(LOG, format, policy, from, to);
    } else {
      f.info(LOG, format, policy, from, to);
    }
  }

  static void retryScheduled(String policy, int nextAttempt, Throwable failure, long delayNanos) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    fields("retry_scheduled", policy)
        .and("attempt", nextAttempt)
        .and("delay_ms", delayNanos / 1_000_000L)
        .and("error_code", code(failure))
        .debug(
            LOG,
            "Policy '{}' retries (attempt {}) in {} ms after {}",
            policy,
            nextAttempt,
            delayNanos / 1_000_000L,
            failure == null ? "a retried result" : failure.toString());
  }

  static void rejected(String policy, RejectionReason reason, Duration retryAfter) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    fields("call_rejected", policy)
        .and("reason", reason.tagValue())
        .and("retry_after_ms", retryAfter == null ? null : retryAfter.toMillis())
        .debug(LOG, "Policy '{}' refused a call: {}", policy, reason.tagValue());
  }

  static void exhausted(String policy, int attempts, Throwable failure) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    fields("retries_exhausted", policy)
        .and("attempts", attempts)
        .and("error_code", code(failure))
        .debug(LOG, "Policy '{}' gave up after {} attempts", policy, attempts);
  }

  static void retryStoppedByDeadline(
      String policy, int attempts, long leftNanos, Throwable failure) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    fields("retry_stopped_by_deadline", policy)
        .and("attempts", attempts)
        .and("deadline_left_ms", leftNanos / 1_000_000L)
        .and("error_code", code(failure))
        .debug(
            LOG,
            "Policy '{}' made no further attempt after {}: {} ms were left before the request's"
                + " deadline",
            policy,
            attempts,
            leftNanos / 1_000_000L);
  }

  static void timedOut(String policy, int attempt, Duration timeout) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    fields("call_timed_out", policy)
        .and("attempt", attempt)
        .and("timeout_ms", timeout.toMillis())
        .debug(
            LOG,
            "Policy '{}' released the caller of attempt {} after {} ms",
            policy,
            attempt,
            timeout);
  }

  static void interruptIgnored(String policy, long overrunNanos) {
    if (!LOG.isWarnEnabled()) {
      return;
    }
    fields("interrupt_ignored", policy)
        .and("overrun_ms", overrunNanos / 1_000_000L)
        .warn(
            LOG,
            "A call of policy '{}' ignored the interrupt at its time limit and ran {} ms longer;"
                + " make the call interruptible or give it its own timeout",
            policy,
            overrunNanos / 1_000_000L);
  }

  static void hedgeNotStarted(String policy, Throwable failure) {
    if (!LOG.isWarnEnabled()) {
      return;
    }
    fields("hedge_not_started", policy)
        .warn(
            LOG,
            "Policy '{}' could not start a hedge, the call goes on with its runs: {}",
            policy,
            String.valueOf(failure));
  }

  /**
   * An external component (rate limiter, bulkhead, retry budget) of a policy threw. The first
   * failure of a component is logged at warning level, the later ones at debug level, so that a
   * failing engine does not flood the log.
   */
  static void externalFailed(
      String policy, String component, String method, Throwable failure, boolean first) {
    if (first ? !LOG.isWarnEnabled() : !LOG.isDebugEnabled()) {
      return;
    }
    LogFields f =
        fields("external_component_failed", policy)
            .and("component", component)
            .and("method", method);
    String format =
        "The external {} of policy '{}' threw from {} (a permit not granted is a refusal): {}";
    if (first) {
      f.warn(LOG, format, component, policy, method, String.valueOf(failure));
    } else {
      f.debug(LOG, format, component, policy, method, String.valueOf(failure));
    }
  }

  static void chaosInjected(String policy, ChaosKind kind, String key) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    fields("chaos_injected", policy)
        .and("kind", kind.tagValue())
        .and("key", key)
        .info(
            LOG,
            "Chaos: policy '{}' injected {} (a rehearsal, not an outage)",
            policy,
            kind.tagValue());
  }

  static void reconfigured(String policy, java.util.List<String> changes) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    String text = changes.isEmpty() ? "nothing" : String.join(", ", changes);
    fields("policy_reconfigured", policy)
        .and("changes", text)
        .info(LOG, "Policy '{}' reconfigured: {}", policy, text);
  }

  private static String code(Throwable failure) {
    if (failure == null) {
      return "NONE";
    }
    Throwable t = ErrorClassifier.unwrap(failure);
    return t instanceof ReliabilityException r
        ? r.code()
        : ErrorClassifier.defaults().classify(t).errorCode().code();
  }
}
