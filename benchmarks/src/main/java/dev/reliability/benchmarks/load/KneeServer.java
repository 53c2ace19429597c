package dev.reliability.benchmarks.load;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback JDK {@code HttpServer} with a knee: every request takes a fixed service time on one of
 * {@code workers} workers, in arrival order, and queues when all are busy (see {@link WorkerPool}).
 * Up to {@code workers} requests in flight, latency is the service time; beyond, it grows by one
 * service time per {@code workers} queued requests.
 *
 * <p>Changeable while running: the worker count ({@link #setWorkers}, to move the knee), the
 * fraction of requests answered 503 at once without work ({@link #setRejectFraction}, the
 * overloaded dependency of the throttling scenario; set it to 0 to heal it), and a slow tail
 * ({@link #setSlowTail}): the chosen fraction of requests answer after the tail time instead of the
 * service time. A slow request holds its worker for the service time only and waits the rest off
 * the pool, like a slow network path or a pause on one replica, so the tail does not move the knee.
 *
 * <p>Answers {@code 200 ok} on every path. Thread-safe.
 */
final class KneeServer implements AutoCloseable {

  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm
    // and the client's delayed ACK add about 40 ms to every answer. Read once, at the first
    // server.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService dispatch;
  private final WorkerPool pool;
  private final ScheduledExecutorService tail;
  private final long serviceNanos;
  private final LongAdder served = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private volatile double rejectFraction;
  private volatile double tailFraction;
  private volatile long tailNanos;

  private final boolean blocking;

  private KneeServer(int workers, Duration serviceTime, int handlerThreads, Filter filter)
      throws IOException {
    this.serviceNanos = serviceTime.toNanos();
    this.blocking = handlerThreads > 0;
    this.pool = new WorkerPool("knee", workers);
    this.tail =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "knee-tail");
              t.setDaemon(true);
              return t;
            });
    this.dispatch =
        Executors.newFixedThreadPool(
            blocking ? handlerThreads : 2,
            r -> {
              Thread t = new Thread(r, "knee-dispatch");
              t.setDaemon(true);
              return t;
            });
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    server.setExecutor(dispatch);
    HttpContext work = server.createContext("/", this::handle);
    if (filter != null) {
      work.getFilters().add(filter);
    }
    if (blocking) {
      server.createContext("/health/ready", KneeServer::ready);
    }
    server.start();
  }

  /**
   * Starts a server on a free loopback port.
   *
   * @param workers requests served at once, at least 1
   * @param serviceTime the time each request takes on a worker
   */
  static KneeServer start(int workers, Duration serviceTime) throws IOException {
    return new KneeServer(workers, serviceTime, 0, null);
  }

  /**
   * Starts a server whose handler threads wait for their request's answer, as a thread-per-request
   * service does: {@code handlerThreads} threads take requests, each holds its thread until a
   * worker has served it, so a filter in front of the handler sees the whole service time. {@code
   * /health/ready} answers 200 at once on a handler thread, without a worker, and without the
   * filter.
   *
   * @param workers requests served at once, at least 1
   * @param serviceTime the time each request takes on a worker
   * @param handlerThreads the server's threads, at least 1
   * @param filter a filter in front of every path but {@code /health/ready}, or null
   */
  static KneeServer startBlocking(
      int workers, Duration serviceTime, int handlerThreads, Filter filter) throws IOException {
    if (handlerThreads < 1) {
      throw new IllegalArgumentException(
          "handler threads must be at least 1, was " + handlerThreads);
    }
    return new KneeServer(workers, serviceTime, handlerThreads, filter);
  }

  private static void ready(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    try (OutputStream body = exchange.getResponseBody()) {
      exchange.sendResponseHeaders(200, OK.length);
      body.write(OK);
    }
  }

  /** The port on the loopback address. */
  int port() {
    return server.getAddress().getPort();
  }

  /** Moves the knee: the number of requests served at once from now on. */
  void setWorkers(int workers) {
    pool.setWorkers(workers);
  }

  /** Answers this fraction of requests (0 to 1) with 503 at once; 0 heals the server. */
  void setRejectFraction(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("reject fraction must be in [0, 1], was " + fraction);
    }
    rejectFraction = fraction;
  }

  /**
   * Makes this fraction of requests (0 to 1) answer after {@code time} instead of the service time.
   */
  void setSlowTail(double fraction, Duration time) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("tail fraction must be in [0, 1], was " + fraction);
    }
    tailNanos = time.toNanos();
    tailFraction = fraction;
  }

  /** Requests answered (or being answered) 200 so far. */
  long served() {
    return served.sum();
  }

  /** Requests answered 503 so far. */
  long rejected() {
    return rejected.sum();
  }

  private void handle(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    double reject = rejectFraction;
    if (reject > 0 && random.nextDouble() < reject) {
      rejected.increment(); // before the answer, as in answer()
      exchange.getResponseHeaders().set("Retry-After", "1");
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
      return;
    }
    double slow = tailFraction;
    long extraNanos = slow > 0 && random.nextDouble() < slow ? tailNanos - serviceNanos : 0;
    CountDownLatch answered = blocking ? new CountDownLatch(1) : null;
    pool.submit(
        () -> {
          work(serviceNanos);
          if (extraNanos > 0) {
            tail.schedule(() -> answer(exchange, answered), extraNanos, TimeUnit.NANOSECONDS);
          } else {
            answer(exchange, answered);
          }
        });
    if (answered != null) {
      try {
        answered.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void answer(HttpExchange exchange, CountDownLatch answered) {
    served.increment(); // before the answer, so a client that has its answer sees it counted
    try (OutputStream body = exchange.getResponseBody()) {
      exchange.sendResponseHeaders(200, OK.length);
      body.write(OK);
    } catch (IOException e) {
      // The client went away; nothing to answer.
    } finally {
      exchange.close();
      if (answered != null) {
        answered.countDown();
      }
    }
  }

  /** Holds the worker for the service time, as a request that does its work would. */
  private static void work(long nanos) {
    long deadline = System.nanoTime() + nanos;
    for (long left = nanos;
        left > 0 && !Thread.currentThread().isInterrupted();
        left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left); // the server closing interrupts the workers
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.close();
    tail.shutdownNow();
    dispatch.shutdownNow();
  }
}
