package dev.reliability.health.internal;

import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthLifecycle;
import dev.reliability.health.HealthReport;
import dev.reliability.health.HealthStatus;

/** One probe group: its members, its cached report and the status last announced for it. */
final class GroupState {

  private static final CheckRunner[] EMPTY = new CheckRunner[0];

  final String name;
  volatile CheckRunner[] members = EMPTY;
  volatile Cached cached;

  // Guarded by RunContext.eventLock.
  HealthStatus announced = HealthStatus.UNKNOWN;

  GroupState(String name) {
    this.name = name;
  }

  /**
   * A report and what it was built from: the results it used, the lifecycle phase and the version
   * of the registrations, so an unchanged probe can return the same report again.
   */
  record Cached(
      HealthReport report, HealthCheckResult[] basis, HealthLifecycle.Phase phase, int version) {}

  // Copy-on-write; called under the registry's registration lock.
  void add(CheckRunner runner) {
    CheckRunner[] old = members;
    CheckRunner[] next = new CheckRunner[old.length + 1];
    System.arraycopy(old, 0, next, 0, old.length);
    next[old.length] = runner;
    members = next;
  }

  void remove(CheckRunner runner) {
    CheckRunner[] old = members;
    int at = -1;
    for (int i = 0; i < old.length; i++) {
      if (old[i] == runner) {
        at = i;
      }
    }
    if (at < 0) {
      return;
    }
    CheckRunner[] next = new CheckRunner[old.length - 1];
    System.arraycopy(old, 0, next, 0, at);
    System.arraycopy(old, at + 1, next, at, old.length - at - 1);
    members = next;
  }

  boolean contains(CheckRunner runner) {
    for (CheckRunner r : members) {
      if (r == runner) {
        return true;
      }
    }
    return false;
  }
}
