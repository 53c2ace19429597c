package dev.reliability.benchmarks.health;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthListener;
import dev.reliability.health.http.HealthEndpointConfig;
import dev.reliability.health.http.HealthHttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The readiness endpoint under concurrent load over loopback: a JDK {@code HttpServer} serving a
 * registry of 50 checks (cache TTL 1s), hit by a bounded load loop of keep-alive HTTP/1.1 clients.
 * Reports p50, p99 and maximum latency, the status codes and how many times the checks ran.
 *
 * <p>Scenario {@code cached}: 50 trivial checks. Scenario {@code hanging}: the same plus one check
 * that hangs forever and ignores interruption (check timeout 200ms, probe timeout 300ms): no probe
 * may take longer than the probe timeout, and the hung check runs once.
 *
 * <p>Run (after {@code mvn -B package -pl benchmarks -am -DskipTests}): {@code flock
 * /tmp/reliability-jmh.lock java -cp benchmarks/target/benchmarks.jar
 * dev.reliability.benchmarks.health.HealthEndpointLoad cached 16 20000} (scenario, clients,
 * requests). With {@code serve} as the scenario it only starts the server (50 checks) on port 8089
 * and waits, for an external client such as {@code wrk -t2 -c16 -d10s --latency
 * http://127.0.0.1:8089/health/ready}.
 */
public final class HealthEndpointLoad {

  private HealthEndpointLoad() {}

  /**
   * Runs the load.
   *
   * @param args scenario ({@code cached}, {@code hanging} or {@code serve}), clients, requests
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 ? args[0] : "cached";
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int requests = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;

    AtomicLong runs = new AtomicLong();
    HealthCheckRegistry registry =
        HealthCheckRegistry.builder()
            .name("load")
            .configSource(ConfigSource.empty())
            .probeTimeout(Duration.ofMillis(300))
            .listener(
                new HealthListener() {
                  @Override
                  public void onCheckCompleted(String check, HealthCheckResult result) {
                    runs.incrementAndGet();
                  }
                })
            .build();
    for (int i = 0; i < 50; i++) {
      registry.register("check-" + i, HealthCheckResult::healthy);
    }
    AtomicInteger hungRuns = new AtomicInteger();
    if (scenario.equals("hanging")) {
      registry.register(
          "hangs",
          () -> {
            hungRuns.incrementAndGet();
            CountDownLatch never = new CountDownLatch(1);
            while (true) {
              try {
                never.await();
              } catch (InterruptedException ignored) {
                // ignores interruption on purpose
              }
            }
          },
          HealthCheckConfig.builder().timeout(Duration.ofMillis(200)).build());
    }
    registry.lifecycle().markStartupComplete();

    ExecutorService serverThreads = Executors.newFixedThreadPool(8);
    HttpServer server =
        HttpServer.create(
            new InetSocketAddress(
                InetAddress.getLoopbackAddress(), scenario.equals("serve") ? 8089 : 0),
            1024);
    server.setExecutor(serverThreads);
    HealthHttpHandler.create(registry, HealthEndpointConfig.builder().build()).mount(server);
    server.start();
    int port = server.getAddress().getPort();
    if (scenario.equals("serve")) {
      System.out.println("serving http://127.0.0.1:" + port + "/health/ready; stop with Ctrl-C");
      Thread.currentThread().join();
    }

    // Warm up, then measure.
    load(port, clients, Math.min(requests, 5_000));
    long runsBefore = runs.get();
    long started = System.nanoTime();
    Result r = load(port, clients, requests);
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "scenario=%s clients=%d requests=%d seconds=%.2f rps=%.0f p50_us=%.0f p99_us=%.0f"
            + " max_us=%.0f status_200=%d status_503=%d errors=%d check_runs=%d hung_check_runs=%d%n",
        scenario,
        clients,
        requests,
        seconds,
        requests / seconds,
        r.percentile(0.50),
        r.percentile(0.99),
        r.percentile(1.0),
        r.ok.get(),
        r.unavailable.get(),
        r.errors.get(),
        runs.get() - runsBefore,
        hungRuns.get());
    server.stop(0);
    serverThreads.shutdownNow();
    registry.close();
    System.exit(0);
  }

  private static final class Result {
    final long[] micros;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();

    Result(int requests) {
      micros = new long[requests];
    }

    double percentile(double p) {
      long[] sorted = Arrays.copyOf(micros, Math.min(next.get(), micros.length));
      Arrays.sort(sorted);
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int at = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
      return sorted[Math.max(0, at)];
    }
  }

  private static Result load(int port, int clients, int requests) throws InterruptedException {
    Result result = new Result(requests);
    AtomicInteger remaining = new AtomicInteger(requests);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    byte[] request =
        ("GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    for (int c = 0; c < clients; c++) {
      pool.execute(
          () -> {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
              socket.setTcpNoDelay(true);
              OutputStream out = socket.getOutputStream();
              InputStream in = socket.getInputStream();
              while (remaining.getAndDecrement() > 0) {
                long t0 = System.nanoTime();
                out.write(request);
                out.flush();
                int status = readResponse(in);
                long us = (System.nanoTime() - t0) / 1_000;
                int slot = result.next.getAndIncrement();
                if (slot < result.micros.length) {
                  result.micros[slot] = us;
                }
                if (status == 200) {
                  result.ok.incrementAndGet();
                } else if (status == 503) {
                  result.unavailable.incrementAndGet();
                } else {
                  result.errors.incrementAndGet();
                }
              }
            } catch (IOException e) {
              result.errors.incrementAndGet();
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.MINUTES);
    return result;
  }

  /** Reads one HTTP/1.1 response with a Content-Length body; returns its status code. */
  private static int readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed");
      }
      head.append((char) b);
      matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
    }
    String text = head.toString();
    int status = Integer.parseInt(text.substring(9, 12));
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
    return status;
  }
}
