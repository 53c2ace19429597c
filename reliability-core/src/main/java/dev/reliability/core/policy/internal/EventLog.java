package dev.reliability.core.policy.internal;

import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.error.ReliabilityException;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RejectionReason;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Structured SLF4J events of policies, under the logger {@code dev.reliability.core.policy.Policy}.
 * Every event carries {@code event} and {@code policy} key-values, so JSON logs can be queried by
 * them ({@code event="circuit_breaker_state_changed" AND state="OPEN"}). Nothing is built unless
 * the level is enabled.
 *
 * <p>Internal: may change at any time.
 */
final class EventLog {

  static final Logger LOG = LoggerFactory.getLogger(Policy.class);

  private EventLog() {}

  private static LoggingEventBuilder at(Level level, String event, String policy) {
    return LOG.atLevel(level).addKeyValue("event", event).addKeyValue("policy", policy);
  }

  static void stateChanged(String policy, CircuitState from, CircuitState to) {
    Level level =
        to == CircuitState.OPEN || to == CircuitState.FORCED_OPEN ? Level.WARN : Level.INFO;
    if (!LOG.isEnabledForLevel(level)) {
      return;
    }
    at(level, "circuit_breaker_state_changed", policy)
        .addKeyValue("from_state", from.name())
        .addKeyValue("state", to.name())
        .log("Circuit breaker of policy '{}' changed from {} to {}", policy, from, to);
  }

  static void retryScheduled(String policy, int nextAttempt, Throwable failure, long delayNanos) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    at(Level.DEBUG, "retry_scheduled", policy)
        .addKeyValue("attempt", nextAttempt)
        .addKeyValue("delay_ms", delayNanos / 1_000_000L)
        .addKeyValue("error_code", code(failure))
        .log(
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
    LoggingEventBuilder b =
        at(Level.DEBUG, "call_rejected", policy).addKeyValue("reason", reason.tagValue());
    if (retryAfter != null) {
      b = b.addKeyValue("retry_after_ms", retryAfter.toMillis());
    }
    b.log("Policy '{}' refused a call: {}", policy, reason.tagValue());
  }

  static void exhausted(String policy, int attempts, Throwable failure) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    at(Level.DEBUG, "retries_exhausted", policy)
        .addKeyValue("attempts", attempts)
        .addKeyValue("error_code", code(failure))
        .log("Policy '{}' gave up after {} attempts", policy, attempts);
  }

  static void timedOut(String policy, int attempt, Duration timeout) {
    if (!LOG.isDebugEnabled()) {
      return;
    }
    at(Level.DEBUG, "call_timed_out", policy)
        .addKeyValue("attempt", attempt)
        .addKeyValue("timeout_ms", timeout.toMillis())
        .log("Policy '{}' released the caller of attempt {} after {} ms", policy, attempt, timeout);
  }

  static void interruptIgnored(String policy, long overrunNanos) {
    if (!LOG.isWarnEnabled()) {
      return;
    }
    at(Level.WARN, "interrupt_ignored", policy)
        .addKeyValue("overrun_ms", overrunNanos / 1_000_000L)
        .log(
            "A call of policy '{}' ignored the interrupt at its time limit and ran {} ms longer;"
                + " make the call interruptible or give it its own timeout",
            policy,
            overrunNanos / 1_000_000L);
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
