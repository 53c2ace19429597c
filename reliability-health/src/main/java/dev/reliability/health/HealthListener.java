package dev.reliability.health;

import java.time.Duration;

/**
 * Receives what a {@link HealthCheckRegistry} does: completed runs, timeouts, skipped runs and
 * status changes of checks and groups. Every method does nothing by default; {@link #NONE} does
 * nothing at all.
 *
 * <p>Contract: methods are called on the thread that completed a run (a check thread, the
 * scheduler, or a probe caller), in order for any one subject. They must return quickly, must not
 * block, and must not call back into the registry's probe methods; hand slow work such as sending
 * an alert to another thread, as {@link dev.reliability.health.alert.WebhookAlertNotifier} does. A
 * listener that throws is logged and does not stop the other listeners or the registry.
 */
public interface HealthListener {

  /** A listener that ignores everything. */
  HealthListener NONE = new HealthListener() {};

  /**
   * Called after each completed run, including failed and timed-out ones, with the result as
   * reported (sanitised and flap-damped).
   *
   * @param check the check's name
   * @param result the reported result
   */
  default void onCheckCompleted(String check, HealthCheckResult result) {}

  /**
   * Called when a run exceeds its timeout and is abandoned.
   *
   * @param check the check's name
   * @param timeout the timeout that was exceeded
   */
  default void onCheckTimedOut(String check, Duration timeout) {}

  /**
   * Called when a run was due but none started, because an abandoned run of the same check is still
   * in flight (a check that ignores interruption). At most once per cache TTL or interval.
   *
   * @param check the check's name
   * @param runningFor how long the abandoned run has been in flight
   */
  default void onRunSkipped(String check, Duration runningFor) {}

  /**
   * Called when the reported status of a check or a group changes.
   *
   * @param change the change
   */
  default void onStatusChanged(HealthStatusChange change) {}
}
