package dev.reliability.core.policy;

import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A deterministic discrete-event simulation of closed-loop clients calling a server through a
 * concurrency limit, on a manual clock: the server has a number of workers, each serving one
 * request at a time for the service time (jittered by ±10%), and queues the rest; past {@code
 * workers} in flight, latency rises with the queue. A refused client tries again after 1 ms.
 */
final class LimitSimulation {

  /** A concurrency limit as the simulation drives it. */
  interface Gate {
    boolean tryAcquire();

    void onSuccess(long latencyNanos);

    int limit();
  }

  private static final long RETRY_NANOS = 1_000_000;

  private final ManualTimeSource time;
  private final Gate gate;
  private final SplittableRandom random = new SplittableRandom(42);
  private final PriorityQueue<long[]> events =
      new PriorityQueue<>(
          (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
  private final ArrayDeque<Long> queue = new ArrayDeque<>();
  private long sequence;
  private int workers;
  private int busy;
  private long serviceNanos;

  /** One run's results. */
  record Result(
      long completed,
      long[] latencies,
      long[] limits,
      int minLimit,
      int maxLimit,
      double meanLimit) {
    /** The latency below which a fraction {@code p} of the completed calls fall. */
    long percentile(double p) {
      return percentile(latencies, p);
    }

    /** The limit at or above which a fraction {@code 1 - p} of the completions saw it. */
    long limitPercentile(double p) {
      return percentile(limits, p);
    }

    private static long percentile(long[] values, double p) {
      long[] sorted = values.clone();
      Arrays.sort(sorted);
      return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)];
    }

    double perSecond(Duration d) {
      return completed / (d.toNanos() / 1e9);
    }

    String summary(Duration d) {
      return String.format(
          java.util.Locale.ROOT,
          "limit mean %.1f (p1 %d, max %d), p50 %.1f ms, p99 %.1f ms, goodput %.0f/s",
          meanLimit,
          limitPercentile(0.01),
          maxLimit,
          percentile(0.5) / 1e6,
          percentile(0.99) / 1e6,
          perSecond(d));
    }
  }

  LimitSimulation(ManualTimeSource time, Gate gate, int workers, Duration service, int clients) {
    this.time = time;
    this.gate = gate;
    this.workers = workers;
    this.serviceNanos = service.toNanos();
    for (int c = 0; c < clients; c++) {
      schedule(time.nanoTime(), 0);
    }
  }

  static Gate of(AdaptiveLimiter limiter) {
    return new Gate() {
      @Override
      public boolean tryAcquire() {
        return limiter.tryAcquire();
      }

      @Override
      public void onSuccess(long latencyNanos) {
        limiter.onSuccess(latencyNanos);
      }

      @Override
      public int limit() {
        return limiter.limit();
      }
    };
  }

  static Gate fixed(int limit) {
    return new Gate() {
      private int inFlight;

      @Override
      public boolean tryAcquire() {
        if (inFlight >= limit) {
          return false;
        }
        inFlight++;
        return true;
      }

      @Override
      public void onSuccess(long latencyNanos) {
        inFlight--;
      }

      @Override
      public int limit() {
        return limit;
      }
    };
  }

  void workers(int workers) {
    this.workers = workers;
  }

  void service(Duration service) {
    this.serviceNanos = service.toNanos();
  }

  /**
   * Runs for a while of simulated time.
   *
   * @param duration how long
   * @return completions, latencies and the range of the limit seen at each completion
   */
  Result run(Duration duration) {
    long end = time.nanoTime() + duration.toNanos();
    long completed = 0;
    List<Long> latencies = new ArrayList<>();
    List<Long> limits = new ArrayList<>();
    int minLimit = Integer.MAX_VALUE;
    int maxLimit = 0;
    double limitSum = 0;
    while (!events.isEmpty() && events.peek()[0] <= end) {
      long[] e = events.poll();
      long now = e[0];
      long delta = now - time.nanoTime();
      if (delta > 0) {
        time.advance(Duration.ofNanos(delta));
      }
      if (e[2] == 0) { // a client tries
        if (gate.tryAcquire()) {
          arrive(now);
        } else {
          schedule(now + RETRY_NANOS, 0);
        }
      } else { // a request ends; e[3] is its start
        long latency = now - e[3];
        gate.onSuccess(latency);
        completed++;
        latencies.add(latency);
        int l = gate.limit();
        minLimit = Math.min(minLimit, l);
        maxLimit = Math.max(maxLimit, l);
        limitSum += l;
        limits.add((long) l);
        busy--;
        schedule(now, 0);
        if (!queue.isEmpty() && busy < workers) {
          start(now, queue.poll());
        }
      }
    }
    if (time.nanoTime() < end) {
      time.advance(Duration.ofNanos(end - time.nanoTime()));
    }
    long[] l = latencies.stream().mapToLong(Long::longValue).toArray();
    long[] seen = limits.stream().mapToLong(Long::longValue).toArray();
    return new Result(
        completed, l, seen, minLimit, maxLimit, completed == 0 ? 0 : limitSum / completed);
  }

  private void arrive(long now) {
    if (busy < workers) {
      start(now, now);
    } else {
      queue.add(now);
    }
  }

  private void start(long now, long arrived) {
    busy++;
    long service = (long) (serviceNanos * (0.9 + 0.2 * random.nextDouble()));
    events.add(new long[] {now + service, sequence++, 1, arrived});
  }

  private void schedule(long at, int kind) {
    events.add(new long[] {at, sequence++, kind, 0});
  }
}
