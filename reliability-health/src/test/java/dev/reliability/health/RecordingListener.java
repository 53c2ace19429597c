package dev.reliability.health;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records status changes as {@code "<subject> <previous>-><current>"} lines. */
final class RecordingListener implements HealthListener {

  final List<String> changes = new CopyOnWriteArrayList<>();
  final List<HealthStatusChange> events = new CopyOnWriteArrayList<>();
  final List<String> runs = new CopyOnWriteArrayList<>();

  /** The changes of checks and of the three probe groups, without the pseudo-group "all". */
  List<String> probeChanges() {
    return changes.stream().filter(c -> !c.startsWith("group all ")).toList();
  }

  @Override
  public void onCheckCompleted(String check, HealthCheckResult result) {
    runs.add(check + " " + result.status().label());
  }

  @Override
  public void onCheckTimedOut(String check, Duration timeout) {
    runs.add(check + " timed out");
  }

  @Override
  public void onStatusChanged(HealthStatusChange change) {
    events.add(change);
    changes.add(
        (change.type() == HealthStatusChange.SubjectType.GROUP ? "group " : "")
            + change.subject()
            + " "
            + change.previous().label()
            + "->"
            + change.current().label());
  }
}
