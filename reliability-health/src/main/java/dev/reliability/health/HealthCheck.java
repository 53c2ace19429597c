package dev.reliability.health;

/**
 * One health check: looks at a component and says how it is.
 *
 * <p>A check is usually a lambda. It returns a {@link HealthCheckResult}; it may also throw, and
 * the registry turns the exception into an {@link HealthStatus#UNHEALTHY} result that names it. It
 * does not need to measure its own duration or time-stamp its result: the registry does both. It
 * does not need to enforce its own timeout either: the registry abandons a check that runs past its
 * timeout, even one that ignores interruption, and starts no second run of it until the first
 * returns.
 *
 * <pre>{@code
 * HealthCheck queue = () -> queueDepth() < 10_000
 *     ? HealthCheckResult.healthy()
 *     : HealthCheckResult.builder(HealthStatus.DEGRADED)
 *         .message("queue is backing up")
 *         .detail("depth", queueDepth())
 *         .build();
 * registry.register("work-queue", queue);
 * }</pre>
 *
 * <p>Checks may be called from several threads, but never concurrently for the same registration
 * (the registry runs at most one execution of a check at a time), except {@linkplain #live() live}
 * checks, which every probe runs on its own thread. A check should answer quickly; put slow ones in
 * the background (see {@link HealthCheckConfig.Builder#background(boolean)}).
 */
@FunctionalInterface
public interface HealthCheck {

  /**
   * Runs the check.
   *
   * @return the result; null is reported as unhealthy
   * @throws Exception any failure, reported as an unhealthy result naming the exception
   */
  HealthCheckResult check() throws Exception;

  /**
   * Returns what this check looks at. Built-in checks of remote services and data stores return a
   * dependency kind, which keeps them off the liveness probe unless the registration opts in.
   * Lambdas are {@link HealthCheckKind#INTERNAL}; a registration can override the kind with {@link
   * HealthCheckConfig.Builder#kind(HealthCheckKind)}.
   *
   * @return the kind; {@link HealthCheckKind#INTERNAL} by default
   */
  default HealthCheckKind kind() {
    return HealthCheckKind.INTERNAL;
  }

  /**
   * Returns whether this check only reads state the process keeps in memory, such as a circuit
   * breaker's state, a connection registry's counters or a leak detector's last report, so that it
   * never blocks and answers in microseconds. The registry runs a live check on the probe's own
   * thread on every probe, without its cache TTL, timeout or concurrency limit, so a probe always
   * shows the current state: the probe that follows a breaker opening already reports it open. Flap
   * damping, sanitising and listeners apply as to any check. A registration with {@link
   * HealthCheckConfig.Builder#background(boolean) background(true)} runs in the background instead.
   *
   * <p>A live check may run on several probe threads at once, so it must be thread-safe. The
   * built-in checks of circuit breakers, connection registries and leak detectors are live.
   *
   * @return true if the check may run on every probe; false by default
   */
  default boolean live() {
    return false;
  }
}
