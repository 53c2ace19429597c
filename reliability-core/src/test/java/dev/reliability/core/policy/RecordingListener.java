package dev.reliability.core.policy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every callback as a line of text, for assertions on the sequence of events. */
final class RecordingListener extends PolicyListener {

  final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public Object onCallStart(String policy) {
    events.add("start " + policy);
    return "handle-" + events.size();
  }

  @Override
  public void onAttemptStart(String policy, Object handle, int attempt, CircuitState state) {
    events.add("attempt " + attempt + " " + state + " " + handle);
  }

  @Override
  public void onAttemptEnd(
      String policy, Object handle, int attempt, Throwable failure, long durationNanos) {
    events.add(
        "attempt-end "
            + attempt
            + " "
            + (failure == null ? "ok" : failure.getClass().getSimpleName())
            + " "
            + Duration.ofNanos(durationNanos).toMillis()
            + "ms");
  }

  @Override
  public void onRetry(
      String policy, Object handle, int nextAttempt, Throwable failure, long delayNanos) {
    events.add("retry " + nextAttempt + " in " + Duration.ofNanos(delayNanos).toMillis() + "ms");
  }

  @Override
  public void onRejected(
      String policy, Object handle, RejectionReason reason, Duration retryAfter) {
    events.add("rejected " + reason + " " + retryAfter);
  }

  @Override
  public void onTimeout(String policy, Object handle, int attempt, Duration timeout) {
    events.add("timeout " + attempt + " " + timeout);
  }

  @Override
  public void onFallback(String policy, Object handle, Throwable failure) {
    events.add("fallback " + failure.getClass().getSimpleName());
  }

  @Override
  public void onCallEnd(
      String policy,
      Object handle,
      CallOutcome outcome,
      Throwable failure,
      int attempts,
      long durationNanos) {
    events.add("end " + outcome + " attempts=" + attempts + " " + handle);
  }

  @Override
  public void onStateChange(String policy, CircuitState from, CircuitState to) {
    events.add("state " + from + " -> " + to);
  }

  List<String> matching(String prefix) {
    return events.stream().filter(e -> e.startsWith(prefix)).toList();
  }
}
