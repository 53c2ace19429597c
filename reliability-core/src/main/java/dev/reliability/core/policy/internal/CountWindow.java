package dev.reliability.core.policy.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The closed state's count-based window of a breaker: the outcomes of the last {@code size} calls,
 * their failure and slow-call rates, and whether either reached its threshold. It follows
 * Resilience4j's count-based window rule for rule (rates in percent as {@code float}, a minimum of
 * {@code min(minimumCalls, size)} calls, a call slower than the threshold counts as slow), without
 * its lock and without allocating.
 *
 * <p>A call takes the next slot with one compare-and-set on a cursor and writes its outcome there
 * only when it differs from the outcome the slot already holds, so that a success replacing a
 * success, the usual case, writes nothing else. The counts of the window live in one word (calls,
 * failures and slow calls, 21 bits each) that changes by one slot's difference at a time.
 *
 * <p>Invariant: the counts word is always the sum, over the slots, of one outcome per slot (an
 * empty slot counting nothing), each the outcome of a call that was recorded; so at every moment
 * {@code 0 <= failures, slowCalls <= calls <= size}, and every count a reader sees, and every trip,
 * is that of a window some order of the recorded calls fills. It holds because a slot's share of
 * the counts changes only at the hands of the slot's one owner: a call that finds the slot idle
 * takes it with a compare-and-set that marks it busy, changes the counts by the difference between
 * the slot's old and new outcome in one atomic add, and releases the slot with a compare-and-set
 * that expects the outcome it counted. A call that finds its slot busy (more than {@code size}
 * calls in flight, so the cursor lapped a call that is still writing) does not wait: it leaves its
 * outcome in the busy slot with a compare-and-set, and the owner, whose release then fails, counts
 * that outcome too before it releases. The owner is the only thread that clears the busy mark, and
 * only when the slot holds what the counts hold for it. An earlier version swapped the slot and
 * then added the difference as two steps, so two calls on one slot could add their differences in
 * the opposite order, take a count below zero for a moment and trip on it.
 *
 * <p>What can lag: the counts can lag the calls in flight. A call that has taken a slot but not yet
 * written it is not counted, and the calls after it that find their slot already holding their
 * outcome change nothing, so a trip can wait until that call writes (it then sees the counts with
 * its own outcome and trips). A call that leaves its outcome in a busy slot is counted when the
 * owner releases, and the owner then sees the counts with that outcome and trips. When more than
 * {@code size} calls are in flight at once, two of them may take the same slot and one outcome
 * replaces the other; the counts stay those of the slots.
 *
 * <p>Cost: on the usual path (the outcome the slot holds) one compare-and-set on the cursor and two
 * volatile reads; when the outcome changes, two compare-and-sets on the slot and one atomic add. No
 * lock, no allocation, no waiting for another thread.
 *
 * <p>Thread-safe. Internal: may change at any time.
 */
final class CountWindow implements Window {

  /** The largest window this class holds: every count must fit in 21 bits. */
  static final int MAX_SIZE = (1 << 21) - 1;

  /** A slot's outcome: bit 0 a call, bit 1 a failure, bit 2 a slow call; 0 an empty slot. */
  static final int SUCCESS = 0b001;

  static final int FAILURE = 0b011;
  static final int SLOW = 0b100;

  /** A slot's outcome bits. */
  private static final int OUTCOME = 0b111;

  /** Marks a slot whose owner is changing the counts; only that owner clears it. */
  private static final int BUSY = 0b1000;

  private static final int BITS = 21;
  private static final long MASK = (1L << BITS) - 1;

  private static final VarHandle CURSOR;
  private static final VarHandle COUNTS;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(int[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CURSOR = lookup.findVarHandle(CountWindow.class, "cursor", long.class);
      COUNTS = lookup.findVarHandle(CountWindow.class, "counts", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int[] slots;
  private final int minimumCalls;
  private final float failureRatePercent;
  private final float slowCallRatePercent;

  // The cursor and the counts, which every call reads and most calls write, padded on both sides
  // so that no other object's fields share their cache line. Fields of one size keep their
  // declared order, and longs come before the smaller fields.
  @SuppressWarnings("unused")
  private long p0, p1, p2, p3, p4, p5, p6, p7;

  /** The slot the next call takes, from 0 to size - 1. */
  @SuppressWarnings("unused") // accessed through CURSOR
  private volatile long cursor;

  /** Calls in bits 0-20, failures in bits 21-41, slow calls in bits 42-62. */
  @SuppressWarnings("unused") // accessed through COUNTS
  private volatile long counts;

  @SuppressWarnings("unused")
  private long q0, q1, q2, q3, q4, q5, q6, q7;

  /**
   * Creates an empty window.
   *
   * @param size the calls the window holds, 1 to {@link #MAX_SIZE}
   * @param minimumCalls the calls the window must hold before the rates count
   * @param failureRatePercent the failure rate, in percent, at which the window trips
   * @param slowCallRatePercent the slow-call rate, in percent, at which the window trips
   */
  CountWindow(int size, int minimumCalls, float failureRatePercent, float slowCallRatePercent) {
    if (size < 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException("size must be 1 to " + MAX_SIZE + ": " + size);
    }
    this.slots = new int[size];
    this.minimumCalls = Math.min(minimumCalls, size);
    this.failureRatePercent = failureRatePercent;
    this.slowCallRatePercent = slowCallRatePercent;
  }

  /**
   * Copies the outcomes the slots hold now into a new window with other thresholds. The counts of
   * the copy are summed from the copied slots, so they agree with its slots whatever calls were
   * writing here during the copy; a slot being written counts with the outcome it held or the one
   * being written. The cursor is copied, so the copy forgets its oldest call next, as this one
   * would.
   */
  @Override
  public CountWindow withThresholds(
      int minimumCalls, float failureRatePercent, float slowCallRatePercent) {
    CountWindow copy =
        new CountWindow(slots.length, minimumCalls, failureRatePercent, slowCallRatePercent);
    long sum = 0;
    for (int i = 0; i < slots.length; i++) {
      int outcome = (int) SLOTS.getVolatile(slots, i) & OUTCOME;
      copy.slots[i] = outcome;
      sum += delta(outcome);
    }
    copy.counts = sum;
    copy.cursor = (long) CURSOR.getVolatile(this);
    return copy;
  }

  /**
   * Records an outcome.
   *
   * @param outcome {@link #SUCCESS} or {@link #FAILURE}, with {@link #SLOW} or-ed in for a slow
   *     call
   * @return whether the failure rate or the slow-call rate has reached its threshold
   */
  boolean record(int outcome) {
    return exceeded(recordCounts(outcome));
  }

  /**
   * Records an outcome for a breaker state.
   *
   * @param outcome as for {@link #record(int)}
   * @param nanos the call's duration, unused: the outcome says whether it was slow
   * @return the verdict on the counts with this outcome
   */
  @Override
  public int add(int outcome, long nanos) {
    long c = recordCounts(outcome);
    int calls = calls(c);
    if (calls == 0 || calls < minimumCalls) {
      return TOO_FEW;
    }
    return exceeded(c) ? EXCEEDED : BELOW;
  }

  /**
   * Records an outcome and returns the counts just after it.
   *
   * @param outcome as for {@link #record(int)}
   * @return the packed counts
   */
  private long recordCounts(int outcome) {
    final int[] s = slots;
    long at;
    long next;
    while (true) {
      at = (long) CURSOR.getVolatile(this);
      next = at + 1 == s.length ? 0 : at + 1;
      if (CURSOR.weakCompareAndSet(this, at, next)) {
        break;
      }
      // Lost the cursor to another call: pause before retrying, so the winner keeps the cursor's
      // line for its next call instead of the two threads trading it on every call. Without the
      // pause two threads sharing a breaker ran in one of two modes, about 76 or 145 ns a call
      // (PolicyBenchmark, TwoThreads), by how their calls happened to interleave.
      Thread.onSpinWait();
    }
    final int slot = (int) at;
    // CAS invariant: an idle slot (no BUSY) contributes delta(held) to the counts; a busy slot
    // contributes what its owner last added for it. Only the compare-and-set that sets BUSY on an
    // idle slot makes an owner, and only that owner clears BUSY, when the slot holds what it added.
    while (true) {
      int held = (int) SLOTS.getVolatile(s, slot);
      if ((held & OUTCOME) == outcome) {
        break; // idle and holding it already, or busy and its owner will count it
      }
      if ((held & BUSY) != 0) {
        // Another call owns the slot: leave this outcome for it to count, keeping the mark.
        if (SLOTS.compareAndSet(s, slot, held, outcome | BUSY)) {
          break;
        }
      } else if (SLOTS.compareAndSet(s, slot, held, outcome | BUSY)) {
        count(s, slot, held, outcome);
        break;
      }
    }
    return (long) COUNTS.getVolatile(this);
  }

  /**
   * Changes the counts for a slot this call has marked busy, from the outcome they hold for it to
   * the one it holds now, until the slot holds what the counts hold, and releases it. Each failed
   * release means another call left its outcome in the slot, so the loop ends when they stop.
   */
  private void count(int[] s, int slot, int counted, int outcome) {
    int now = outcome;
    while (true) {
      if (now != counted) {
        COUNTS.getAndAdd(this, delta(now) - delta(counted));
        counted = now;
      }
      // Release only if the slot still holds what was counted; otherwise count the newer outcome.
      if (SLOTS.compareAndSet(s, slot, counted | BUSY, counted)) {
        return;
      }
      now = (int) SLOTS.getVolatile(s, slot) & OUTCOME;
    }
  }

  private static long delta(int outcome) {
    long calls = outcome & 1;
    long failures = (outcome >>> 1) & 1;
    long slow = (outcome >>> 2) & 1;
    return calls | (failures << BITS) | (slow << (2 * BITS));
  }

  private boolean exceeded(long c) {
    if ((c >>> BITS) == 0) {
      return false; // no failure and no slow call: the rates are 0, below any threshold
    }
    int calls = calls(c);
    if (calls < minimumCalls) {
      return false;
    }
    return failures(c) * 100.0f / calls >= failureRatePercent
        || slowCalls(c) * 100.0f / calls >= slowCallRatePercent;
  }

  /**
   * Returns the counts of one moment, for {@link #calls(long)}, {@link #failures(long)} and {@link
   * #slowCalls(long)}.
   *
   * @return the packed counts
   */
  long counts() {
    return (long) COUNTS.getVolatile(this);
  }

  static int calls(long counts) {
    return (int) (counts & MASK);
  }

  static int failures(long counts) {
    return (int) ((counts >>> BITS) & MASK);
  }

  static int slowCalls(long counts) {
    return (int) (counts >>> 2 * BITS);
  }

  /**
   * Returns the failure rate in percent as Resilience4j reports it: -1 below the minimum calls.
   *
   * @param counts packed counts from {@link #counts()}
   * @return the rate, or -1
   */
  float failureRate(long counts) {
    int calls = calls(counts);
    return calls == 0 || calls < minimumCalls ? -1f : failures(counts) * 100.0f / calls;
  }

  /**
   * Returns the slow-call rate in percent as Resilience4j reports it: -1 below the minimum calls.
   *
   * @param counts packed counts from {@link #counts()}
   * @return the rate, or -1
   */
  float slowCallRate(long counts) {
    int calls = calls(counts);
    return calls == 0 || calls < minimumCalls ? -1f : slowCalls(counts) * 100.0f / calls;
  }

  @Override
  public float failureRate() {
    return failureRate(counts());
  }

  @Override
  public float slowCallRate() {
    return slowCallRate(counts());
  }

  @Override
  public int bufferedCalls() {
    return calls(counts());
  }
}
