package dev.reliability.core.policy;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.internal.LimitController;
import dev.reliability.core.time.TimeSource;
import java.util.Map;

/**
 * A limit on calls in flight that follows measured latency: the limit grows while latency stays
 * near its no-load baseline and shrinks when calls start to queue, so it settles just past the knee
 * of the dependency (or of this service, used as a server-side limiter) without being told where
 * the knee is. See {@link AdaptiveLimitConfig} for the algorithms and their settings.
 *
 * <p>Use: take a permit, run the call, end it with exactly one of {@code onSuccess}, {@code
 * onDropped} or {@code onIgnored}, on the same partition.
 *
 * <pre>{@code
 * AdaptiveLimiter limiter = AdaptiveLimiter.create("inventory", AdaptiveLimitConfig.ofDefaults());
 * if (limiter.tryAcquire()) {
 *   long start = System.nanoTime();
 *   try {
 *     callInventory();
 *     limiter.onSuccess(System.nanoTime() - start);
 *   } catch (RuntimeException e) {
 *     limiter.onIgnored();
 *     throw e;
 *   }
 * }
 * }</pre>
 *
 * <p>Partitions reserve a share of the limit per traffic class. Exact: the total in flight never
 * exceeds the limit at the moment of an admission, and a partition at or above its reservation is
 * admitted only if the total after it plus the unused reservations of the others stays within the
 * limit (one compare-and-set over every partition's count decides both). Approximate: a partition's
 * reservation is {@code max(1, floor(share × limit))} of the current limit, so several small shares
 * can reserve a little more than their sum, and when the limit shrinks, permits already given are
 * kept until their calls end.
 *
 * <p>Thread-safe. Acquiring and sampling neither lock nor allocate; the end of each window is
 * computed by the one sampling thread that wins a compare-and-set, the others do not wait.
 */
public final class AdaptiveLimiter {

  /** The name of the default partition, which reserves nothing. */
  public static final String DEFAULT_PARTITION = "default";

  private final String name;
  private final AdaptiveLimitConfig config;
  private final LimitController controller;
  private final Partition[] partitions;

  private AdaptiveLimiter(String name, AdaptiveLimitConfig config, TimeSource time) {
    this.name = name;
    this.config = config;
    this.controller = new LimitController(name, config, time);
    this.partitions = new Partition[1 + config.partitions().size()];
    partitions[0] = new Partition(0, DEFAULT_PARTITION, 0.0);
    int slot = 1;
    for (Map.Entry<String, Double> e : config.partitions().entrySet()) {
      partitions[slot] = new Partition(slot, e.getKey(), e.getValue());
      slot++;
    }
  }

  /**
   * Creates a limiter on the system clock.
   *
   * @param name the name, shown in rejections and metrics
   * @param config the configuration
   * @return the limiter
   * @throws IllegalArgumentException if the name is blank
   */
  public static AdaptiveLimiter create(String name, AdaptiveLimitConfig config) {
    return create(name, config, TimeSource.system());
  }

  /**
   * Creates a limiter.
   *
   * @param name the name, shown in rejections and metrics
   * @param config the configuration
   * @param time the time source; the probe schedule and the length of windows follow it (tests pass
   *     a manual one)
   * @return the limiter
   * @throws IllegalArgumentException if the name is blank
   */
  public static AdaptiveLimiter create(String name, AdaptiveLimitConfig config, TimeSource time) {
    Checks.notBlank("name", name);
    Checks.notNull("config", config);
    Checks.notNull("time", time);
    return new AdaptiveLimiter(name, config, time);
  }

  /**
   * Returns the handle of a partition, to keep and reuse.
   *
   * @param name the partition's name; an unknown name or null gives the default partition
   * @return the partition
   */
  public Partition partition(String name) {
    if (name != null) {
      for (int i = 1; i < partitions.length; i++) {
        if (partitions[i].name.equals(name)) {
          return partitions[i];
        }
      }
    }
    return partitions[0];
  }

  /**
   * Returns the default partition, the one the limiter's own acquire and release methods use.
   *
   * @return the default partition
   */
  public Partition defaultPartition() {
    return partitions[0];
  }

  /**
   * Takes a permit in the default partition if the limit allows. Never blocks.
   *
   * @return whether the call may go ahead; if true, end it with one of the {@code on} methods
   */
  public boolean tryAcquire() {
    return partitions[0].tryAcquire();
  }

  /**
   * Ends a call of the default partition that succeeded, with its latency as a sample.
   *
   * @param latencyNanos how long the call took
   */
  public void onSuccess(long latencyNanos) {
    partitions[0].onSuccess(latencyNanos);
  }

  /**
   * Ends a call of the default partition that timed out or failed by overload: a strong signal that
   * the limit is too high.
   *
   * @param latencyNanos how long the call took
   */
  public void onDropped(long latencyNanos) {
    partitions[0].onDropped(latencyNanos);
  }

  /** Ends a call of the default partition without a sample, such as one that failed quickly. */
  public void onIgnored() {
    partitions[0].onIgnored();
  }

  /**
   * Returns the name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  public AdaptiveLimitConfig config() {
    return config;
  }

  /**
   * Returns the current limit, between the configured minimum and maximum.
   *
   * @return calls allowed in flight now
   */
  public int limit() {
    return controller.limit();
  }

  /**
   * Returns the calls in flight in every partition.
   *
   * @return calls holding a permit
   */
  public int inFlight() {
    return controller.inFlight();
  }

  /**
   * Returns the calls refused in every partition since creation.
   *
   * @return the refusals
   */
  public long rejectedCalls() {
    return controller.rejected();
  }

  /**
   * Returns the recent smoothed latency: the average of the last windows, each weighing half as
   * much as the next.
   *
   * @return nanoseconds, 0 before the first window ends
   */
  public long latencyEstimateNanos() {
    return controller.estimateNanos();
  }

  /**
   * Returns the baseline: the lowest window average since the last probe.
   *
   * @return nanoseconds, 0 before it is measured
   */
  public long baselineLatencyNanos() {
    return controller.baselineNanos();
  }

  @Override
  public String toString() {
    return "AdaptiveLimiter["
        + name
        + ", limit="
        + limit()
        + ", inFlight="
        + inFlight()
        + ", rejected="
        + rejectedCalls()
        + "]";
  }

  /**
   * A traffic class of an {@link AdaptiveLimiter}, with its reserved share of the limit. Obtained
   * once from {@link AdaptiveLimiter#partition(String)} and reused; thread-safe.
   */
  public final class Partition {
    private final int slot;
    private final String name;
    private final double share;

    private Partition(int slot, String name, double share) {
      this.slot = slot;
      this.name = name;
      this.share = share;
    }

    /**
     * Takes a permit if the limit and the other partitions' reservations allow. Never blocks.
     *
     * @return whether the call may go ahead; if true, end it with one of the {@code on} methods
     */
    public boolean tryAcquire() {
      return controller.tryAcquire(slot);
    }

    /**
     * Ends a call that succeeded, with its latency as a sample.
     *
     * @param latencyNanos how long the call took
     */
    public void onSuccess(long latencyNanos) {
      controller.onSample(slot, latencyNanos, false);
    }

    /**
     * Ends a call that timed out or failed by overload; the limit shrinks by the backoff ratio at
     * the end of the window.
     *
     * @param latencyNanos how long the call took
     */
    public void onDropped(long latencyNanos) {
      controller.onSample(slot, latencyNanos, true);
    }

    /** Ends a call without a sample. A release without a permit is ignored. */
    public void onIgnored() {
      controller.onIgnored(slot);
    }

    /**
     * Returns the partition's name.
     *
     * @return the name, {@value AdaptiveLimiter#DEFAULT_PARTITION} for the default partition
     */
    public String name() {
      return name;
    }

    /**
     * Returns the reserved share of the limit.
     *
     * @return the share, 0 for the default partition
     */
    public double share() {
      return share;
    }

    /**
     * Returns the partition's limit: the permits reserved for it under the current limit.
     *
     * @return {@code max(1, floor(share × limit))}, 0 for the default partition
     */
    public int reservedPermits() {
      return controller.reserved(slot);
    }

    /**
     * Returns the partition's calls in flight.
     *
     * @return calls holding a permit of this partition
     */
    public int inFlight() {
      return controller.inFlight(slot);
    }

    /**
     * Returns the partition's refused calls since creation.
     *
     * @return the refusals
     */
    public long rejectedCalls() {
      return controller.rejected(slot);
    }

    @Override
    public String toString() {
      return "Partition[" + name + ", share=" + share + ", inFlight=" + inFlight() + "]";
    }
  }
}
