package dev.reliability.benchmarks.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load: {@code clients} threads, each on its own keep-alive connection, take a permit
 * from the limiter, send a request, wait for its answer and send the next one. A client the limiter
 * rejects waits the same short fixed pause ({@code rejectPause}, 1 ms by default) before it asks
 * again, whatever the limiter, so a rejection costs every limiter the same.
 *
 * <p>Admitted calls that succeed are recorded, in microseconds, in an HdrHistogram {@link Recorder}
 * cut into one histogram per second; successes (goodput), rejections by the limiter, 503 answers
 * and errors are counted per second, and the limiter's limit is sampled every 100 ms. Events
 * (moving the knee, healing the server) run at their time on the sampling thread.
 */
final class ClosedLoopLoad {

  /** Limit samples per second. */
  static final int SAMPLES_PER_SECOND = 10;

  /** Something to do to the server at a time into the run. */
  record Event(double atSeconds, Runnable action) {}

  private ClosedLoopLoad() {}

  /**
   * Runs the load for {@code seconds} and returns what it measured.
   *
   * @param limiter the limiter in front of every call
   * @param port the loopback port of the server
   * @param path the request path
   * @param clients client threads, at least 1
   * @param seconds the length of the run, at least 1
   * @param rejectPauseNanos the pause of a rejected client before it asks again
   * @param events actions at times into the run, in any order
   */
  static LoadRun run(
      LoadLimiter limiter,
      int port,
      String path,
      int clients,
      int seconds,
      long rejectPauseNanos,
      List<Event> events)
      throws InterruptedException {
    return run(
        limiter, port, path, clients, seconds, rejectPauseNanos, events, HttpConnection::new);
  }

  /**
   * Runs the load as {@link #run(LoadLimiter, int, String, int, int, long, List)} does, each client
   * sending through a transport of {@code transports}.
   */
  static LoadRun run(
      LoadLimiter limiter,
      int port,
      String path,
      int clients,
      int seconds,
      long rejectPauseNanos,
      List<Event> events,
      Transport.Factory transports)
      throws InterruptedException {
    if (clients < 1) {
      throw new IllegalArgumentException("clients must be at least 1, was " + clients);
    }
    if (seconds < 1) {
      throw new IllegalArgumentException("seconds must be at least 1, was " + seconds);
    }
    Recorder recorder = new Recorder(3);
    LongAdder successes = new LongAdder();
    LongAdder rejections = new LongAdder();
    LongAdder dropped = new LongAdder();
    LongAdder errors = new LongAdder();
    byte[] request = HttpConnection.request(path);
    Thread[] threads = new Thread[clients];
    Stop stopFlag = new Stop();
    for (int c = 0; c < clients; c++) {
      threads[c] =
          new Thread(
              () ->
                  client(
                      limiter,
                      transports,
                      port,
                      request,
                      rejectPauseNanos,
                      stopFlag,
                      recorder,
                      successes,
                      rejections,
                      dropped,
                      errors),
              "load-client-" + c);
      threads[c].setDaemon(true);
    }
    LoadRun.Builder run = new LoadRun.Builder(limiter.name(), seconds);
    List<Event> pending = new ArrayList<>(events);
    pending.sort((a, b) -> Double.compare(a.atSeconds(), b.atSeconds()));
    long tickNanos = TimeUnit.SECONDS.toNanos(1) / SAMPLES_PER_SECOND;
    long start = System.nanoTime();
    recorder.reset();
    for (Thread t : threads) {
      t.start();
    }
    long[] last = new long[4];
    Histogram interval = null;
    for (int tick = 1; tick <= seconds * SAMPLES_PER_SECOND; tick++) {
      long deadline = start + tick * tickNanos;
      for (long left = deadline - System.nanoTime();
          left > 0;
          left = deadline - System.nanoTime()) {
        LockSupport.parkNanos(left);
      }
      double now = (double) tick / SAMPLES_PER_SECOND;
      while (!pending.isEmpty() && pending.get(0).atSeconds() <= now) {
        Event event = pending.remove(0);
        try {
          event.action().run();
        } catch (Throwable t) {
          System.err.println("load event at " + event.atSeconds() + "s failed: " + t);
        }
      }
      run.limitSample(limiter.limit());
      if (tick % SAMPLES_PER_SECOND == 0) {
        interval = recorder.getIntervalHistogram(interval);
        long[] now4 = {successes.sum(), rejections.sum(), dropped.sum(), errors.sum()};
        run.second(
            interval.copy(),
            now4[0] - last[0],
            now4[1] - last[1],
            now4[2] - last[2],
            now4[3] - last[3]);
        last = now4;
      }
    }
    stopFlag.stopped = true;
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    return run.build();
  }

  /** The flag that ends the clients' loops. */
  private static final class Stop {
    volatile boolean stopped;
  }

  private static void client(
      LoadLimiter limiter,
      Transport.Factory transports,
      int port,
      byte[] request,
      long rejectPauseNanos,
      Stop stop,
      Recorder recorder,
      LongAdder successes,
      LongAdder rejections,
      LongAdder dropped,
      LongAdder errors) {
    Transport connection = null;
    while (!stop.stopped) {
      try {
        if (connection == null) {
          connection = transports.open(port);
        }
        LoadLimiter.Permit permit = limiter.tryAcquire();
        if (permit == null) {
          rejections.increment();
          LockSupport.parkNanos(rejectPauseNanos);
          continue;
        }
        long started = System.nanoTime();
        int status;
        try {
          status = connection.get(request);
        } catch (IOException e) {
          permit.ignore();
          throw e;
        }
        long latency = System.nanoTime() - started;
        if (status == 200) {
          permit.success(latency);
          recorder.recordValue(Math.max(1, latency / 1_000));
          successes.increment();
        } else if (status == 503) {
          permit.dropped(latency);
          dropped.increment();
        } else {
          permit.ignore();
          errors.increment();
        }
      } catch (Throwable t) {
        // A broken connection or a failing limiter: count it, reconnect and go on.
        errors.increment();
        if (connection != null) {
          try {
            connection.close();
          } catch (IOException ignored) {
            // closing a broken connection
          }
          connection = null;
        }
        LockSupport.parkNanos(rejectPauseNanos);
      }
    }
    if (connection != null) {
      try {
        connection.close();
      } catch (IOException ignored) {
        // the run is over
      }
    }
  }
}
