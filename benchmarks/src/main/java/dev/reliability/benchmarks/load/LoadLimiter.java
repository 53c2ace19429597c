package dev.reliability.benchmarks.load;

/**
 * The limiter in front of the load's calls, the one thing that differs between the runs of a
 * scenario: a fixed bulkhead, one of Netflix concurrency-limits' limiters, or this library's
 * adaptive limiter (see {@link Limiters}).
 *
 * <p>Implementations are thread-safe: every client thread calls {@link #tryAcquire()} and reports
 * on its permit.
 */
interface LoadLimiter {

  /** The name in tables and charts. */
  String name();

  /** Takes a permit for one call, or returns {@code null} when the limiter rejects the call. */
  Permit tryAcquire();

  /** The current limit, or -1 when there is none (no limiter). */
  int limit();

  /** The outcome of one admitted call; exactly one method is called once per permit. */
  interface Permit {

    /** The call succeeded after {@code latencyNanos}. */
    void success(long latencyNanos);

    /** The dependency rejected the call (overloaded: 503) after {@code latencyNanos}. */
    void dropped(long latencyNanos);

    /** The call failed for a reason that says nothing about load (a broken connection). */
    void ignore();
  }
}
