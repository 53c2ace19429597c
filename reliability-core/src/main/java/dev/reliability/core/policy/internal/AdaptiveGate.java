package dev.reliability.core.policy.internal;

import dev.reliability.core.error.ConcurrencyLimitExceededException;
import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.policy.AdaptiveLimiter;
import dev.reliability.core.time.TimeSource;
import java.util.function.Supplier;

/**
 * A policy's adaptive concurrency limit as the engine drives it: each attempt takes a permit in its
 * traffic class's partition and gives it back with its duration as the sample.
 *
 * <p>What an attempt's end means: a success is a sample; a time-out (the policy's own time limit or
 * any failure the error hierarchy classifies as a time-out, 504) or an overload failure (503, 429)
 * is a drop; any other failure gives the permit back without a sample, as it says nothing about the
 * dependency's load.
 *
 * <p>Internal: may change at any time.
 */
public final class AdaptiveGate {

  private final AdaptiveLimiter limiter;
  private final long retryAfterNanos;

  /** Names the traffic class of the calling thread's call; set once before the engine is shared. */
  private Supplier<String> trafficClass;

  AdaptiveGate(String name, AdaptiveLimitConfig config, TimeSource time) {
    this.limiter = AdaptiveLimiter.create(name, config, time);
    this.retryAfterNanos = config.retryAfter().isZero() ? -1 : config.retryAfter().toNanos();
  }

  /**
   * Sets how a call's traffic class is found; called by the policy's builder before the engine is
   * published.
   *
   * @param trafficClass names the calling thread's traffic class (a partition), or null for the
   *     default partition
   */
  public void trafficClass(Supplier<String> trafficClass) {
    this.trafficClass = trafficClass;
  }

  /**
   * Returns the limiter.
   *
   * @return the limiter
   */
  public AdaptiveLimiter limiter() {
    return limiter;
  }

  /** Returns the calling thread's partition: the traffic class's, or the default one. */
  AdaptiveLimiter.Partition partition() {
    Supplier<String> t = trafficClass;
    if (t == null) {
      return limiter.defaultPartition();
    }
    String name;
    try {
      name = t.get();
    } catch (RuntimeException e) {
      return limiter.defaultPartition();
    }
    return limiter.partition(name);
  }

  /** Builds the rejection of a refused partition. */
  ConcurrencyLimitExceededException rejection(String policy, AdaptiveLimiter.Partition p) {
    return new ConcurrencyLimitExceededException(
        policy, limiter.limit(), p.name(), retryAfterNanos);
  }

  /** Gives back an attempt's permit with what its end says about the dependency's load. */
  static void release(AdaptiveLimiter.Partition p, Throwable error, long nanos) {
    if (error == null) {
      p.onSuccess(nanos);
    } else if (isDrop(error)) {
      p.onDropped(nanos);
    } else {
      p.onIgnored();
    }
  }

  static boolean isDrop(Throwable error) {
    int status = ErrorClassifier.defaults().classify(error).httpStatus();
    return status == 504 || status == 503 || status == 429;
  }
}
