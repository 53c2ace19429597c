package dev.reliability.health;

import dev.reliability.core.internal.Checks;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names of the standard probe groups, and the rule for custom group names.
 *
 * <p>A check belongs to one or more groups; each group is answered as one probe. The three
 * Kubernetes probes are groups like any other, with extra rules:
 *
 * <ul>
 *   <li>{@link #LIVENESS}: "is the process alive, or should it be restarted?". Only checks of
 *       in-process state belong here (deadlocks, a wedged event loop). Dependency checks are
 *       refused unless a registration opts in; see {@link HealthCheckKind}.
 *   <li>{@link #READINESS}: "may this instance receive traffic now?". The default group of a
 *       registration. Reports unhealthy until startup is complete and as soon as a graceful
 *       shutdown begins (see {@link HealthLifecycle}).
 *   <li>{@link #STARTUP}: "has the application finished starting?". Reports unhealthy until the
 *       application calls {@link HealthLifecycle#markStartupComplete()}, then the status of its
 *       checks.
 * </ul>
 *
 * <p>Custom group names (such as {@code payments}) are served at {@code /health/<name>}.
 */
public final class HealthGroups {

  /** The liveness probe: {@code /health/live}. */
  public static final String LIVENESS = "liveness";

  /** The readiness probe: {@code /health/ready}. */
  public static final String READINESS = "readiness";

  /** The startup probe: {@code /health/startup}. */
  public static final String STARTUP = "startup";

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /** Names that are path aliases of the HTTP endpoints and cannot name a custom group. */
  private static final Set<String> RESERVED = Set.of("all", "detailed", "live", "ready");

  private HealthGroups() {}

  /**
   * Checks a group name: lower-case letters, digits, {@code -} and {@code _}, at most 63
   * characters, and none of the endpoint aliases {@code all}, {@code detailed}, {@code live},
   * {@code ready}.
   *
   * @param name the name
   * @return {@code name}
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if the name breaks the rule
   */
  public static String validate(String name) {
    Checks.notNull("group", name);
    Checks.check(
        NAME.matcher(name).matches(),
        "group",
        "lower-case letters, digits, '-' and '_' (at most 63)",
        "\"" + name + "\"");
    Checks.check(
        !RESERVED.contains(name),
        "group",
        "none of all, detailed, live, ready (they are endpoint paths)",
        "\"" + name + "\"");
    return name;
  }
}
