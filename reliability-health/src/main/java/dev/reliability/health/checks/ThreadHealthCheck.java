package dev.reliability.health.checks;

import dev.reliability.core.internal.Checks;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Threads: unhealthy when threads are deadlocked (on monitors or on {@code java.util.concurrent}
 * locks), degraded when the live thread count reaches an optional maximum (a thread leak).
 *
 * <p>A deadlock does not heal, so this check belongs on liveness: a restart is the cure. Reads the
 * JVM's {@link ThreadMXBean}. Details: {@code threads}, {@code peak_threads}, {@code
 * daemon_threads}, {@code deadlocked_threads} (names); measurement {@code threads}. Immutable and
 * thread-safe.
 */
public final class ThreadHealthCheck implements HealthCheck {

  private final int maxThreads;
  private final ThreadMXBean threads;

  private ThreadHealthCheck(Builder b) {
    this.maxThreads = b.maxThreads;
    this.threads = ManagementFactory.getThreadMXBean();
  }

  /**
   * Returns the check with deadlock detection and no thread limit.
   *
   * @return the check
   */
  public static ThreadHealthCheck ofDefaults() {
    return builder().build();
  }

  /**
   * Starts a check.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public HealthCheckResult check() {
    int count = threads.getThreadCount();
    long[] deadlocked = threads.findDeadlockedThreads();
    List<String> names = new ArrayList<>();
    if (deadlocked != null) {
      for (ThreadInfo info : threads.getThreadInfo(deadlocked)) {
        if (info != null) {
          names.add(info.getThreadName());
        }
      }
    }
    HealthStatus status = HealthStatus.HEALTHY;
    String message = count + " threads";
    if (!names.isEmpty()) {
      status = HealthStatus.UNHEALTHY;
      message = names.size() + " threads deadlocked: " + String.join(", ", names);
    } else if (count >= maxThreads) {
      status = HealthStatus.DEGRADED;
      message = count + " threads, at or above the maximum of " + maxThreads;
    }
    return HealthCheckResult.builder(status)
        .message(message)
        .detail("threads", count)
        .detail("peak_threads", threads.getPeakThreadCount())
        .detail("daemon_threads", threads.getDaemonThreadCount())
        .detail("deadlocked_threads", names)
        .measurement("threads", count, "")
        .build();
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.SYSTEM;
  }

  /** Builds a {@link ThreadHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private int maxThreads = Integer.MAX_VALUE;

    private Builder() {}

    /**
     * Sets the live thread count from which the check is degraded. Default: no limit.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxThreads(int max) {
      this.maxThreads = Checks.positive("maxThreads", max);
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     */
    public ThreadHealthCheck build() {
      return new ThreadHealthCheck(this);
    }
  }
}
