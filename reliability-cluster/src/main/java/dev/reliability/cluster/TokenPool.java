package dev.reliability.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The tokens a prefetching {@link FleetRateLimiter} took from the shared bucket and has not spent:
 * spent one at a time until they expire, then dropped.
 *
 * <p>CAS invariant: {@code tokens} is the number of unspent tokens, never below zero; it is
 * decremented only by a compare-and-set from a positive value read before the expiry, so no token
 * is spent twice and none after it expired (an expired pool is emptied by the same
 * compare-and-set). {@link #add} writes the expiry before it adds the tokens, so a token is never
 * seen with an older expiry than its own.
 *
 * <p>Thread-safe and lock-free.
 */
final class TokenPool {

  private final AtomicLong tokens = new AtomicLong();
  private volatile long expiresAtNanos;

  /** Adds tokens that may be spent until {@code expiresAtNanos}. */
  void add(long count, long expiresAtNanos) {
    this.expiresAtNanos = expiresAtNanos;
    tokens.addAndGet(count);
  }

  /** Spends one token if one is left and the pool has not expired at {@code nowNanos}. */
  boolean take(long nowNanos) {
    while (true) {
      long t = tokens.get();
      if (t <= 0) {
        return false;
      }
      if (nowNanos - expiresAtNanos >= 0) {
        // Expired: unspent tokens are dropped (the fleet under-admits, never over-admits).
        if (tokens.compareAndSet(t, 0)) {
          return false;
        }
        continue;
      }
      if (tokens.compareAndSet(t, t - 1)) {
        return true;
      }
    }
  }

  /** The unspent tokens, expired or not. */
  long tokens() {
    return tokens.get();
  }
}
