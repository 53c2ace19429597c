package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.PolicyStats;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * Call counts and total latency per outcome, and reading never blocks writers.
 *
 * <p>Successes, the hot path, go to a small table of cells that each belong to one thread: the
 * owner adds with plain (opaque) writes, no atomic instruction, and readers sum the cells. A thread
 * looks at a few cells from the one its id hashes to and claims the first free one with one
 * compare-and-set, or now and then the cell of a thread that has ended; a thread that finds them
 * all held by other threads adds to striped adders instead, as do the other outcomes. Sums may lag
 * a call in progress, as a {@link LongAdder}'s do.
 *
 * <p>Internal: may change at any time.
 */
final class Stats implements PolicyStats {

  private static final VarHandle OWNER;
  private static final VarHandle COUNT;
  private static final VarHandle NANOS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      OWNER = lookup.findVarHandle(Cell.class, "owner", Thread.class);
      COUNT = lookup.findVarHandle(Cell.class, "count", long.class);
      NANOS = lookup.findVarHandle(Cell.class, "nanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int CELLS =
      Math.min(
          64,
          Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1)
              << 1);

  /** How many cells, from the thread's own, a thread looks at for its cell or a free one. */
  private static final int PROBES = Math.min(4, CELLS);

  /** How rarely a thread without a cell looks for one whose owner has ended; a power of two. */
  private static final int RECLAIM_EVERY = 64;

  /** One thread's success count and time, padded against false sharing with its neighbours. */
  @SuppressWarnings("unused") // padding
  private static final class Cell {
    long p0, p1, p2, p3, p4, p5, p6;
    volatile Thread owner;
    long count;
    long nanos;
    long q0, q1, q2, q3, q4, q5, q6;
  }

  private final Cell[] cells = new Cell[CELLS];

  {
    for (int i = 0; i < cells.length; i++) {
      cells[i] = new Cell();
    }
  }

  private final LongAdder successCount = new LongAdder();
  private final LongAdder successNanos = new LongAdder();
  private final LongAdder failureCount = new LongAdder();
  private final LongAdder failureNanos = new LongAdder();
  private final LongAdder rejectedCount = new LongAdder();
  private final LongAdder rejectedNanos = new LongAdder();
  private final LongAdder fallbackCount = new LongAdder();
  private final LongAdder fallbackNanos = new LongAdder();

  void success(long nanos) {
    Thread t = Thread.currentThread();
    final Cell[] cs = cells;
    final int home = index(t);
    for (int k = 0; k < PROBES; k++) {
      Cell c = cs[(home + k) & (cs.length - 1)];
      Thread owner = c.owner;
      if (owner == t || (owner == null && OWNER.compareAndSet(c, null, t))) {
        add(c, nanos);
        return;
      }
    }
    successElsewhere(t, home, nanos);
  }

  private static void add(Cell c, long nanos) {
    COUNT.setOpaque(c, c.count + 1);
    NANOS.setOpaque(c, c.nanos + nanos);
  }

  /**
   * A success of a thread whose cells are all held by other threads: now and then (on about one
   * call in {@value #RECLAIM_EVERY}, chosen by the duration's low bits) it looks for a cell whose
   * owner has ended, which costs a native call per cell on older JDKs; otherwise, and if there is
   * none, it adds to the striped adders.
   */
  private void successElsewhere(Thread t, int home, long nanos) {
    if ((nanos & (RECLAIM_EVERY - 1)) == 0) {
      for (int k = 0; k < PROBES; k++) {
        Cell c = cells[(home + k) & (cells.length - 1)];
        if (claim(c, t)) {
          add(c, nanos);
          return;
        }
      }
    }
    successCount.increment();
    successNanos.add(nanos);
  }

  @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+; getId() is the same field
  private int index(Thread t) {
    // A field read; an identity hash is slower once the thread's monitor has been used.
    long h = t.getId() * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32) & (cells.length - 1);
  }

  /**
   * Takes a cell that is free or whose owner has ended. A thread's end happens-before another
   * thread sees {@code isAlive()} return false, so the new owner continues from the old owner's
   * last values.
   */
  private static boolean claim(Cell c, Thread t) {
    Thread owner = c.owner;
    return (owner == null || !owner.isAlive()) && OWNER.compareAndSet(c, owner, t);
  }

  private long cellCounts() {
    long sum = 0;
    for (Cell c : cells) {
      sum += (long) COUNT.getOpaque(c);
    }
    return sum;
  }

  private long cellNanos() {
    long sum = 0;
    for (Cell c : cells) {
      sum += (long) NANOS.getOpaque(c);
    }
    return sum;
  }

  void record(CallOutcome outcome, long nanos) {
    switch (outcome) {
      case SUCCESS -> success(nanos);
      case FAILURE -> {
        failureCount.increment();
        failureNanos.add(nanos);
      }
      case REJECTED -> {
        rejectedCount.increment();
        rejectedNanos.add(nanos);
      }
      case FALLBACK -> {
        fallbackCount.increment();
        fallbackNanos.add(nanos);
      }
    }
  }

  @Override
  public long calls(CallOutcome outcome) {
    return switch (outcome) {
      case SUCCESS -> successCount.sum() + cellCounts();
      case FAILURE -> failureCount.sum();
      case REJECTED -> rejectedCount.sum();
      case FALLBACK -> fallbackCount.sum();
    };
  }

  @Override
  public long totalNanos(CallOutcome outcome) {
    return switch (outcome) {
      case SUCCESS -> successNanos.sum() + cellNanos();
      case FAILURE -> failureNanos.sum();
      case REJECTED -> rejectedNanos.sum();
      case FALLBACK -> fallbackNanos.sum();
    };
  }
}
