package dev.reliability.core.policy.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-flight counts of an adaptive limiter's partitions, all in one {@code long} so an admission
 * is one compare-and-set that sees every partition at once: slot {@code i} holds the calls in
 * flight of partition {@code i} in bits {@code 16i} to {@code 16i + 15}; slot 0 is the default
 * partition, slots 1 to 3 the named ones.
 *
 * <p>CAS invariant (of {@link #tryAcquire}): a call is admitted only by a compare-and-set from the
 * value it decided on, so at the moment of every admission the total in flight after it is at most
 * the limit the call read, and for a partition at or above its reservation the total after it plus
 * the unused reservations of the other partitions (computed from the same value) is at most that
 * limit. Both rules are therefore exact against the counts; what is not exact is the limit itself,
 * which the caller reads just before and which may shrink concurrently: permits already given are
 * never taken back, so the total may stay above a limit lowered a moment ago until calls finish,
 * but no call is admitted while the total is at or above the limit it read.
 *
 * <p>CAS invariant (of {@link #release}): a slot is decremented only from a value where it is above
 * zero, so no count ever goes negative or borrows from its neighbour, even if a caller releases a
 * permit it never held.
 *
 * <p>Internal: may change at any time.
 */
public final class PartitionPermits {

  /** Slots in the packed value. */
  public static final int SLOTS = 4;

  private static final long MASK = 0xFFFFL;

  private final AtomicLong counts = new AtomicLong();

  /** The reserved share of each slot; 0 for the default partition. */
  private final double[] shares;

  /**
   * Creates the counts.
   *
   * @param shares the reserved share of each slot, at most {@link #SLOTS} long, slot 0 the default
   */
  public PartitionPermits(double[] shares) {
    if (shares.length == 0 || shares.length > SLOTS) {
      throw new IllegalArgumentException("shares must be 1 to 4 slots, was " + shares.length);
    }
    this.shares = shares.clone();
  }

  /** Returns the permits reserved for a slot under a limit: at least 1 for any share above 0. */
  public int reserved(int slot, int limit) {
    double share = shares[slot];
    return share <= 0 ? 0 : Math.max(1, (int) (share * limit));
  }

  /**
   * Takes a permit for a slot if the rules admit it under {@code limit}.
   *
   * @param slot the partition's slot
   * @param limit the limit read just before, at most 65,535
   * @return whether a permit was taken
   */
  public boolean tryAcquire(int slot, int limit) {
    int shift = slot * 16;
    while (true) {
      long cur = counts.get();
      int total = total(cur);
      if (total >= limit) {
        return false;
      }
      int mine = (int) ((cur >>> shift) & MASK);
      if (mine >= reserved(slot, limit)) {
        int unusedOthers = 0;
        for (int i = 0; i < shares.length; i++) {
          if (i != slot) {
            unusedOthers += Math.max(0, reserved(i, limit) - (int) ((cur >>> (i * 16)) & MASK));
          }
        }
        if (total + 1 + unusedOthers > limit) {
          return false;
        }
      }
      // CAS invariant: admitted only from the value the decision was made on (see class doc).
      if (counts.compareAndSet(cur, cur + (1L << shift))) {
        return true;
      }
    }
  }

  /**
   * Gives back a permit of a slot.
   *
   * @param slot the partition's slot
   * @return false if the slot had no permit out (a release without an acquire), which is ignored
   */
  public boolean release(int slot) {
    int shift = slot * 16;
    while (true) {
      long cur = counts.get();
      if (((cur >>> shift) & MASK) == 0) {
        return false;
      }
      // CAS invariant: the slot is decremented only from a value where it is above zero.
      if (counts.compareAndSet(cur, cur - (1L << shift))) {
        return true;
      }
    }
  }

  /** Returns the calls in flight of every partition together. */
  public int total() {
    return total(counts.get());
  }

  /** Returns the calls in flight of one slot. */
  public int inFlight(int slot) {
    return (int) ((counts.get() >>> (slot * 16)) & MASK);
  }

  private static int total(long packed) {
    return (int) (packed & MASK)
        + (int) ((packed >>> 16) & MASK)
        + (int) ((packed >>> 32) & MASK)
        + (int) ((packed >>> 48) & MASK);
  }
}
