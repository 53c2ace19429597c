package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.BadResponseException;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.test.ManualScheduler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Policies around real HTTP calls to a loopback server that fails, hangs, slows down or resets
 * connections on command.
 */
class FaultInjectionTest {

  /** What the server does with the next requests. */
  enum Fault {
    NONE,
    ERROR_500,
    UNAVAILABLE_503,
    HANG,
    SLOW
  }

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final AtomicReference<Fault> fault = new AtomicReference<>(Fault.NONE);
  private final AtomicInteger faultsLeft = new AtomicInteger(Integer.MAX_VALUE);
  private final List<String> requestIds = new CopyOnWriteArrayList<>();
  private final CountDownLatch releaseHung = new CountDownLatch(1);
  private final ExecutorService serverThreads = Executors.newCachedThreadPool();

  /** The clock a slow answer takes its time on: the server moves it while the caller waits. */
  private final ManualScheduler slowClock = ManualScheduler.create();

  private HttpServer server;
  private URI uri;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(serverThreads);
    server.createContext(
        "/",
        exchange -> {
          requestIds.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Request-ID")));
          Fault f = faultsLeft.getAndDecrement() > 0 ? fault.get() : Fault.NONE;
          int status = 200;
          try {
            switch (f) {
              case ERROR_500 -> status = 500;
              case UNAVAILABLE_503 -> status = 503;
              case HANG -> releaseHung.await();
              case SLOW ->
                  slowClock.advance(Duration.ofMillis(150)); // 150 ms on the policy's clock
              default -> {}
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = (status == 200 ? "ok" : "failed").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/orders");
  }

  @AfterEach
  void stopServer() {
    releaseHung.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
  }

  /** Fails the next {@code count} requests in the given way. */
  private void inject(Fault f, int count) {
    fault.set(f);
    faultsLeft.set(count);
  }

  /** One HTTP call, as a service would make it: the request ID goes out as a header. */
  static String get(URI uri) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).GET());
  }

  /**
   * A POST without body: the HTTP client retries a GET once by itself when a connection closes
   * before the response; a POST it never retries, so each reset reaches the policy.
   */
  static String post(URI uri) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()));
  }

  private static String send(HttpRequest.Builder request) throws IOException, InterruptedException {
    request.timeout(Duration.ofSeconds(10));
    RequestContext.current().ifPresent(c -> request.header("X-Request-ID", c.requestId()));
    HttpResponse<String> response =
        CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 400) {
      throw new BadResponseException("orders", response.statusCode(), "orders answered an error");
    }
    return response.body();
  }

  @Test
  void theBreakerOpensAfterTheConfiguredFailuresThenFailsFastAndClosesWhenTheServerHeals()
      throws Exception {
    ManualScheduler scheduler = ManualScheduler.create();
    List<String> transitions = new CopyOnWriteArrayList<>();
    Policy policy =
        Policy.builder("orders")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .scheduler(scheduler)
            .listener(
                new PolicyListener() {
                  @Override
                  public void onStateChange(String name, CircuitState from, CircuitState to) {
                    transitions.add(from + ">" + to);
                  }
                })
            .build();
    inject(Fault.UNAVAILABLE_503, Integer.MAX_VALUE);

    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> policy.call(() -> get(uri)))
          .isInstanceOf(BadResponseException.class);
    }
    CircuitBreaker breaker = policy.circuitBreaker().orElseThrow();
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(requestIds).hasSize(5);

    // Open: calls are refused without touching the network, with the time to the trial calls.
    assertThatThrownBy(() -> policy.call(() -> get(uri)))
        .isInstanceOfSatisfying(
            CircuitOpenException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(60)));
    long[][] timings = timeRejectedCalls(policy, 20_000, 10_000);
    long[] wall = timings[0];
    long[] cpu = timings[1];
    Arrays.sort(wall);
    Arrays.sort(cpu);
    System.out.printf(
        "refused calls: wall median %d ns, p99 %d ns; thread CPU median %d ns, p99 %d ns%n",
        wall[wall.length / 2],
        wall[wall.length * 99 / 100],
        cpu[cpu.length / 2],
        cpu[cpu.length * 99 / 100]);
    // The wall-clock tail of single calls also holds the time the thread waited for a core (on a
    // busy shared machine, milliseconds at a time); the CPU time a refusal costs does not.
    assertThat(wall[wall.length / 2]).as("median of refused calls, ns").isLessThan(1_000_000L);
    assertThat(cpu[cpu.length * 99 / 100])
        .as("p99 of the CPU time of refused calls, ns")
        .isLessThan(1_000_000L);
    assertThat(requestIds).hasSize(5);

    // The server heals; after the 60 s wait three trial calls close the breaker.
    inject(Fault.NONE, 0);
    scheduler.advance(Duration.ofSeconds(59));
    assertThatThrownBy(() -> policy.call(() -> get(uri)))
        .isInstanceOfSatisfying(
            CircuitOpenException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(1)));
    scheduler.advance(Duration.ofMillis(1_001)); // trial calls start strictly after the wait
    for (int i = 0; i < 3; i++) {
      assertThat(policy.call(() -> get(uri))).isEqualTo("ok");
    }
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(transitions).containsExactly("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED");
    assertThat(requestIds).hasSize(8);
  }

  /**
   * Times each of {@code measured} refused calls after {@code warmUp} untimed ones, in wall-clock
   * and in thread CPU nanoseconds, with the policy's logger at its production level (the test
   * configuration logs every refusal at DEBUG).
   */
  private static long[][] timeRejectedCalls(Policy policy, int warmUp, int measured) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    assertThat(threads.isCurrentThreadCpuTimeSupported()).isTrue();
    Callable<String> neverRuns =
        () -> {
          throw new AssertionError("an open breaker must not run the call");
        };
    Logger log = (Logger) LoggerFactory.getLogger(Policy.class);
    Level level = log.getLevel();
    log.setLevel(Level.INFO);
    try {
      for (int i = 0; i < warmUp; i++) {
        refused(policy, neverRuns);
      }
      long[] wall = new long[measured];
      long[] cpu = new long[measured];
      for (int i = 0; i < measured; i++) {
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        refused(policy, neverRuns);
        wall[i] = System.nanoTime() - start;
        cpu[i] = threads.getCurrentThreadCpuTime() - cpuStart;
      }
      return new long[][] {wall, cpu};
    } finally {
      log.setLevel(level);
    }
  }

  private static void refused(Policy policy, Callable<String> call) {
    try {
      policy.call(call);
      throw new AssertionError("expected a refusal");
    } catch (CircuitOpenException expected) {
      // refused
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aHangingServerIsCutByTheTimeLimitAndTheCallerReleasedAtTheDeadline() {
    Duration limit = Duration.ofMillis(200);
    Policy policy =
        Policy.builder("orders")
            .timeLimiter(TimeLimiterConfig.of(limit))
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .build();
    inject(Fault.HANG, Integer.MAX_VALUE);
    try {
      long start = System.nanoTime();
      assertThatThrownBy(() -> policy.call(() -> get(uri)))
          .isInstanceOfSatisfying(
              ServiceTimeoutException.class, e -> assertThat(e.timeout()).isEqualTo(limit));
      Duration waited = Duration.ofNanos(System.nanoTime() - start);

      assertThat(waited).isGreaterThanOrEqualTo(limit).isLessThan(limit.plusMillis(1_500));
      TimeLimiter timeLimiter = policy.timeLimiter().orElseThrow();
      assertThat(timeLimiter.timedOutCalls()).isEqualTo(1);
      assertThat(policy.circuitBreaker().orElseThrow().failedCalls()).isEqualTo(1);
      // The HTTP client honours the interrupt: the abandoned attempt ends, nothing keeps running.
      await().atMost(Duration.ofSeconds(5)).until(() -> timeLimiter.runningAfterTimeout() == 0);
      assertThat(timeLimiter.ignoredInterrupts()).isZero();
    } finally {
      policy.close();
    }
  }

  @Test
  void slowResponsesCountAsSlowCallsAndOpenTheBreaker() throws Exception {
    Policy policy =
        Policy.builder("orders")
            .circuitBreaker(
                CircuitBreakerConfig.builder()
                    .failureThreshold(0)
                    .slidingWindowSize(3)
                    .minimumCalls(3)
                    .slowCallThreshold(Duration.ofMillis(100))
                    .slowCallRateThreshold(1.0)
                    .build())
            .scheduler(slowClock)
            .build();
    inject(Fault.SLOW, 3);

    for (int i = 0; i < 3; i++) {
      assertThat(policy.call(() -> get(uri))).isEqualTo("ok");
    }

    CircuitBreaker breaker = policy.circuitBreaker().orElseThrow();
    assertThat(breaker.slowSuccessfulCalls()).isEqualTo(3);
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThatThrownBy(() -> policy.call(() -> get(uri))).isInstanceOf(CircuitOpenException.class);
    assertThat(requestIds).hasSize(3);
  }

  @Test
  void theRequestIdReachesTheServerOnEveryRetryOnThePolicysThreads() throws Exception {
    Policy policy =
        Policy.builder("orders")
            .retry(
                RetryConfig.builder()
                    .maxRetries(3)
                    .backoff(Backoff.fixed(Duration.ofMillis(100)))
                    .jitter(Jitter.NONE)
                    .build())
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(10)))
            .scheduler(ManualScheduler.create())
            .build();
    inject(Fault.UNAVAILABLE_503, 2);

    String body;
    try (ContextScope scope = RequestContext.of("req-fault-1").bind()) {
      body = policy.call(() -> get(uri));
    } finally {
      policy.close();
    }

    assertThat(body).isEqualTo("ok");
    assertThat(requestIds).containsExactly("req-fault-1", "req-fault-1", "req-fault-1");
    assertThat(policy.retry().orElseThrow().successfulAfterRetry()).isEqualTo(1);
  }

  @Test
  void theRequestIdReachesTheServerOnEveryAsynchronousRetry() throws Exception {
    Policy policy =
        Policy.builder("orders")
            .retry(
                RetryConfig.builder()
                    .maxRetries(3)
                    .backoff(Backoff.fixed(Duration.ofMillis(1)))
                    .jitter(Jitter.NONE)
                    .build())
            .build();
    inject(Fault.ERROR_500, 2);
    List<String> continuation = new CopyOnWriteArrayList<>();

    CompletableFuture<String> result;
    try (ContextScope scope = RequestContext.of("req-fault-2").bind()) {
      result =
          policy.executeAsync(
              () -> {
                HttpRequest request =
                    HttpRequest.newBuilder(uri)
                        .header("X-Request-ID", RequestContext.currentRequestId())
                        .build();
                return CLIENT
                    .sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .thenApply(
                        r -> {
                          if (r.statusCode() >= 400) {
                            throw new BadResponseException("orders", r.statusCode(), "error");
                          }
                          return r.body();
                        });
              });
    }
    String body =
        result
            .thenApplyAsync(
                b -> {
                  continuation.add(RequestContext.currentRequestId());
                  return b;
                })
            .get(10, TimeUnit.SECONDS);
    policy.close();

    assertThat(body).isEqualTo("ok");
    assertThat(requestIds).containsExactly("req-fault-2", "req-fault-2", "req-fault-2");
    assertThat(continuation).containsExactly("req-fault-2");
  }

  @Test
  void resetConnectionsAreRetriedAndCountAsFailures() throws Exception {
    try (ResettingServer resetting = new ResettingServer(2)) {
      URI resetUri = URI.create("http://127.0.0.1:" + resetting.port() + "/orders");
      Policy policy =
          Policy.builder("orders")
              .circuitBreaker(CircuitBreakerConfig.ofDefaults())
              .retry(
                  RetryConfig.builder()
                      .maxRetries(3)
                      .backoff(Backoff.fixed(Duration.ofMillis(50)))
                      .build())
              .scheduler(ManualScheduler.create())
              .build();

      String body;
      try (ContextScope scope = RequestContext.of("req-fault-3").bind()) {
        body = policy.call(() -> post(resetUri));
      }

      assertThat(body).isEqualTo("ok");
      assertThat(resetting.resets()).isEqualTo(2);
      assertThat(resetting.requestIds()).containsExactly("req-fault-3");
      CircuitBreaker breaker = policy.circuitBreaker().orElseThrow();
      assertThat(breaker.failedCalls()).isEqualTo(2);
      assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(policy.retry().orElseThrow().successfulAfterRetry()).isEqualTo(1);
    }
  }

  /**
   * A loopback server that resets the first connections (linger 0, then close: the peer sees a TCP
   * RST) and answers the later ones with a minimal HTTP response.
   */
  static final class ResettingServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptor;
    private final AtomicInteger resetsLeft;
    private final AtomicLong resets = new AtomicLong();
    private final List<String> requestIds = new CopyOnWriteArrayList<>();

    ResettingServer(int resetFirst) throws IOException {
      this.resetsLeft = new AtomicInteger(resetFirst);
      this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      this.acceptor = new Thread(this::serve, "resetting-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    long resets() {
      return resets.get();
    }

    List<String> requestIds() {
      return requestIds;
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket s = socket.accept()) {
          String head = readHead(s.getInputStream());
          if (resetsLeft.getAndDecrement() > 0) {
            s.setSoLinger(true, 0);
            resets.incrementAndGet();
            continue; // closing with linger 0 sends a reset
          }
          for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "X-Request-ID:", 0, 13)) {
              requestIds.add(line.substring(13).trim());
            }
          }
          s.getOutputStream()
              .write(
                  "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                      .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          // closed, or the client went away
        }
      }
    }

    private static String readHead(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      int b;
      while ((b = in.read()) >= 0) {
        head.append((char) b);
        if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
          break;
        }
      }
      return head.toString();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      acceptor.join(5_000);
    }
  }
}
