package dev.reliability.core.policy.internal;

import dev.reliability.core.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Finagle's retry budget, the {@code PERCENT_OF_REQUESTS} rule of {@link
 * dev.reliability.core.policy.RetryBudget}: every call deposits {@code percentCanRetry} of a retry,
 * every retry withdraws one, and both expire after the TTL; a retry is allowed while the deposits
 * and withdrawals still in the window plus the floor ({@code minRetriesPerSecond} times the TTL in
 * seconds) leave at least one retry. Kept in thousandths of a retry.
 *
 * <p>The window is {@value #SLICES} closed slices of a tenth of the TTL each, plus the slice in
 * progress, so an event counts for between one TTL and one TTL plus a slice. Hence over any span of
 * one TTL the retries are at most {@code percentCanRetry} times the calls of that span and of the
 * slice before it, plus the floor.
 *
 * <p>The closed slices are immutable in a {@link Window}, which also holds the one mutable word:
 * the net of the slice in progress. A new window is made once per slice, never per call.
 *
 * <p><b>Compare-and-set invariants:</b>
 *
 * <ul>
 *   <li>A deposit and a withdrawal are one compare-and-set of the current window's word from the
 *       unsealed value it read; a withdrawal only if the floor plus the closed slices plus that
 *       value leave a whole retry. So the word changes only while unsealed, and the admission test
 *       and the withdrawal are one atomic step.
 *   <li>Moving to a new slice first seals the old window's word (one compare-and-set from {@code v}
 *       to {@code v + SEAL}; a sealed word never changes again), then publishes a successor holding
 *       {@code v} among its closed slices (one compare-and-set of the reference from the sealed
 *       window). Every thread that seals or publishes reads the same final {@code v}, so every
 *       deposit and withdrawal is counted in exactly one slice, once.
 *   <li>A thread that finds the word sealed reads the reference again; the thread that sealed it,
 *       or any other, publishes the successor, so no thread waits for another (lock-free).
 * </ul>
 *
 * {@code WindowBudgetModelCheckTest} checks them with Lincheck.
 *
 * <p>Internal: may change at any time.
 */
final class WindowBudget extends BudgetState {

  /** The closed slices in the window. */
  static final int SLICES = 10;

  private static final long MILLI = 1000;

  /** Added to a word to seal it; unsealed words stay far below {@code SEAL / 2}. */
  private static final long SEAL = 1L << 62;

  private final TimeSource time;
  private final long origin;
  private final long sliceNanos;
  private final long depositMilli;
  private final long floorMilli;
  private final AtomicReference<Window> window;

  WindowBudget(double percentCanRetry, Duration ttl, int minRetriesPerSecond, TimeSource time) {
    this.time = time;
    this.origin = time.nanoTime();
    this.sliceNanos = Math.max(1, ttl.toNanos() / SLICES);
    this.depositMilli = Math.round(percentCanRetry * MILLI);
    this.floorMilli = minRetriesPerSecond * ttl.toMillis();
    this.window = new AtomicReference<>(new Window(0, new long[SLICES], 0));
  }

  @Override
  void onCall() {
    if (depositMilli == 0) {
      return;
    }
    while (true) {
      AtomicLong word = current().word;
      long v = word.get();
      if (v >= SEAL / 2) {
        continue;
      }
      if (word.compareAndSet(v, v + depositMilli)) {
        return;
      }
    }
  }

  @Override
  boolean tryAcquire() {
    while (true) {
      Window w = current();
      long v = w.word.get();
      if (v >= SEAL / 2) {
        continue;
      }
      if (floorMilli + w.closed + v < MILLI) {
        return false;
      }
      if (w.word.compareAndSet(v, v - MILLI)) {
        return true;
      }
    }
  }

  @Override
  public double available() {
    while (true) {
      Window w = current();
      long v = w.word.get();
      if (v >= SEAL / 2) {
        continue;
      }
      return Math.max(0, floorMilli + w.closed + v) / (double) MILLI;
    }
  }

  /** Returns the window of the current slice, moving the window on first if the slice ended. */
  private Window current() {
    while (true) {
      Window w = window.get();
      long epoch = (time.nanoTime() - origin) / sliceNanos;
      if (epoch <= w.epoch) {
        // A clock read before another thread moved on: the newer window is as good.
        return w;
      }
      long v = seal(w.word);
      window.compareAndSet(w, w.next(epoch, v));
    }
  }

  /** Seals a word and returns its final value; idempotent. */
  private static long seal(AtomicLong word) {
    while (true) {
      long x = word.get();
      if (x >= SEAL / 2) {
        return x - SEAL;
      }
      if (word.compareAndSet(x, x + SEAL)) {
        return x;
      }
    }
  }

  /** One slice in progress and the closed slices before it. */
  private static final class Window {
    final long epoch;

    /** The nets of the slices {@code epoch - 1} (index 0) to {@code epoch - SLICES}. */
    final long[] slices;

    /** Their sum. */
    final long closed;

    /** The net of the slice in progress; sealed when the window is replaced. */
    final AtomicLong word = new AtomicLong();

    Window(long epoch, long[] slices, long closed) {
      this.epoch = epoch;
      this.slices = slices;
      this.closed = closed;
    }

    /** The window of a later slice, given this window's final (sealed) net. */
    Window next(long newEpoch, long last) {
      long[] s = new long[SLICES];
      long sum = 0;
      for (int k = 1; k <= SLICES; k++) {
        long e = newEpoch - k;
        long v;
        if (e == epoch) {
          v = last;
        } else if (e < epoch && epoch - e <= SLICES) {
          v = slices[(int) (epoch - e) - 1];
        } else {
          v = 0;
        }
        s[k - 1] = v;
        sum += v;
      }
      return new Window(newEpoch, s, sum);
    }
  }
}
