package dev.reliability.health;

import dev.reliability.core.internal.Checks;
import java.time.Instant;
import java.util.Map;

/**
 * A change of reported status, of one check or of one group.
 *
 * @param subject the check's or group's name
 * @param type whether the subject is a check or a group
 * @param previous the status reported before; {@link HealthStatus#UNKNOWN} before the first run
 * @param current the status reported now
 * @param message the check's message, or for a group why it changed; possibly empty
 * @param details the check's sanitised details; empty for a group
 * @param time when the change was seen
 */
public record HealthStatusChange(
    String subject,
    SubjectType type,
    HealthStatus previous,
    HealthStatus current,
    String message,
    Map<String, Object> details,
    Instant time) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   */
  public HealthStatusChange {
    Checks.notNull("subject", subject);
    Checks.notNull("type", type);
    Checks.notNull("previous", previous);
    Checks.notNull("current", current);
    Checks.notNull("message", message);
    details = Map.copyOf(Checks.notNull("details", details));
    Checks.notNull("time", time);
  }

  /** What changed status. */
  public enum SubjectType {
    /** One registered check. */
    CHECK,
    /** One group (probe) of checks. */
    GROUP
  }
}
