package dev.reliability.cluster;

/**
 * How a {@link FleetRateLimiter} trades accuracy for round trips to the engine.
 *
 * @see FleetRateLimitConfig.Builder#batching(FleetBatching)
 */
public enum FleetBatching {
  /** One round trip per acquire: exact, and the cost of one round trip on every call. */
  NONE,
  /**
   * Bucket4j's request batching: acquires that arrive on one instance while a round trip is under
   * way go together in the next one. Exact: each token is still taken on the engine; the fleet
   * never exceeds the limit.
   */
  BATCHING,
  /**
   * Local prefetch on Bucket4j's delaying optimization: the instance spends tokens on a local copy
   * of the bucket and settles with the engine after {@link FleetRateLimitConfig#prefetchTokens()}
   * tokens or {@link FleetRateLimitConfig#prefetchDelay()}, whichever comes first. Most acquires
   * cost no round trip; the fleet may admit up to {@code instances x prefetchTokens} more than the
   * limit in one prefetch delay.
   */
  PREFETCH
}
