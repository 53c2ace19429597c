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
   * Local prefetch: an instance that has no token left takes up to {@link
   * FleetRateLimitConfig#prefetchTokens()} from the engine's bucket in one round trip ({@code
   * tryConsumeAsMuchAsPossible}), spends one and keeps the rest for at most {@link
   * FleetRateLimitConfig#prefetchDelay()}; tokens left then are dropped. Most acquires cost no
   * round trip, and the fleet never admits more than the limit (every token is taken on the engine
   * before it is spent); the price is fairness and use: tokens one instance holds are refused to
   * the others and may expire unspent, so the fleet may admit up to {@code instances x
   * (prefetchTokens - 1)} fewer than the limit per prefetch delay.
   */
  PREFETCH
}
