package dev.reliability.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.time.TimeSource;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import dev.reliability.test.ManualTimeSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP and TCP checks against local servers on loopback. */
class NetworkChecksTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
  private final AtomicReference<String> apiKey = new AtomicReference<>();
  private final CountDownLatch hang = new CountDownLatch(1);
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private HttpServer server;
  private String base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext(
        "/ready",
        exchange -> {
          apiKey.set(exchange.getRequestHeaders().getFirst("X-Api-Key"));
          time.advance(delay.get());
          exchange.sendResponseHeaders(status.get(), -1);
          exchange.close();
        });
    server.createContext(
        "/hang",
        exchange -> {
          try {
            hang.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() throws Exception {
    hang.countDown();
    server.stop(0);
    threads.shutdownNow();
  }

  private HttpHealthCheck.Builder http(String path) {
    return HttpHealthCheck.builder(URI.create(base + path)).timeSource(time);
  }

  @Test
  void okAnswerIsHealthy() throws Exception {
    HealthCheckResult r = http("/ready").header("X-Api-Key", "k-123").build().check();

    assertThat(r.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(r.message()).isEqualTo("HTTP 200");
    assertThat(r.details())
        .containsEntry("status_code", 200)
        .containsEntry("url", base + "/ready")
        .containsEntry("response_time_ms", 0.0);
    assertThat(apiKey.get()).isEqualTo("k-123");
    assertThat(r.details().toString()).doesNotContain("k-123");
  }

  @Test
  void theUrlInResultsCarriesNoUserInfoQueryOrFragment() throws Exception {
    status.set(503);
    URI withSecrets =
        URI.create(
            base.replace("http://", "http://ghp_t0ken:s3cret@")
                + "/ready?key=k-123&access_token=a-456#frag-789");

    HealthCheckResult r = HttpHealthCheck.builder(withSecrets).timeSource(time).build().check();

    assertThat(r.message()).isEqualTo("HTTP 503 from " + base + "/ready");
    assertThat(r.details()).containsEntry("url", base + "/ready");
    assertThat(r.toString())
        .doesNotContain("ghp_t0ken")
        .doesNotContain("s3cret")
        .doesNotContain("k-123")
        .doesNotContain("a-456")
        .doesNotContain("frag-789");
  }

  @Test
  void anUnreachableUrlIsShownWithoutItsUserInfoOrQuery() throws Exception {
    int closed = closedPort();

    HealthCheckResult r =
        HttpHealthCheck.of(URI.create("https://ghp_t0ken@127.0.0.1:" + closed + "/x?sig=s-1"))
            .check();

    assertThat(r.message())
        .startsWith("cannot reach https://127.0.0.1:" + closed + "/x: ")
        .doesNotContain("ghp_t0ken")
        .doesNotContain("s-1");
  }

  @Test
  void errorStatusIsUnhealthy() throws Exception {
    status.set(503);

    HealthCheckResult r = http("/ready").build().check();

    assertThat(r.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(r.message()).isEqualTo("HTTP 503 from " + base + "/ready");
  }

  @Test
  void expectedStatusRangeIsConfigurable() throws Exception {
    status.set(404);

    assertThat(http("/ready").expectedStatus(200, 499).method("HEAD").build().check().status())
        .isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void slowAnswerIsDegraded() throws Exception {
    delay.set(Duration.ofMillis(450));

    HealthCheckResult r = http("/ready").slowThreshold(Duration.ofMillis(300)).build().check();

    assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.message()).isEqualTo("HTTP 200 after 450ms, slower than 300ms");
    assertThat(r.measurement().orElseThrow().value()).isEqualTo(450.0);
  }

  @Test
  void noAnswerWithinTheRequestTimeoutIsUnhealthy() throws Exception {
    HealthCheckResult r =
        HttpHealthCheck.builder(URI.create(base + "/hang"))
            .requestTimeout(Duration.ofMillis(200))
            .build()
            .check();

    assertThat(r.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(r.message()).isEqualTo("no answer from " + base + "/hang within 200ms");
  }

  @Test
  void refusedConnectionIsUnhealthy() throws Exception {
    int closed = closedPort();

    HealthCheckResult r =
        HttpHealthCheck.of(URI.create("http://127.0.0.1:" + closed + "/ready")).check();

    assertThat(r.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(r.message()).startsWith("cannot reach http://127.0.0.1:" + closed + "/ready: ");
    assertThat(r.details()).containsEntry("error", "java.net.ConnectException");
  }

  @Test
  void httpBuilderRejectsBadArguments() throws Exception {
    assertThatThrownBy(() -> HttpHealthCheck.builder(URI.create("ftp://host/file")))
        .hasMessage("uri must be an absolute http or https URI, was ftp://host/file");
    assertThatThrownBy(() -> http("/ready").method("POST"))
        .hasMessage("method must be GET or HEAD, was POST");
    assertThat(HttpHealthCheck.of(URI.create(base)).kind()).isEqualTo(HealthCheckKind.DEPENDENCY);
  }

  @Test
  void tcpConnectToAListeningPortIsHealthy() throws Exception {
    try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      HealthCheckResult r = TcpHealthCheck.of("127.0.0.1", listening.getLocalPort()).check();

      assertThat(r.status()).isEqualTo(HealthStatus.HEALTHY);
      assertThat(r.message()).isEqualTo("connected");
      assertThat(r.details())
          .containsEntry("host", "127.0.0.1")
          .containsEntry("port", listening.getLocalPort());
    }
  }

  @Test
  void tcpConnectToAClosedPortIsUnhealthy() throws Exception {
    int closed = closedPort();

    HealthCheckResult r = TcpHealthCheck.of("127.0.0.1", closed).check();

    assertThat(r.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(r.message()).startsWith("cannot connect to 127.0.0.1:" + closed + ": ");
  }

  @Test
  void slowTcpConnectIsDegraded() throws Exception {
    AtomicLong nanos = new AtomicLong();
    TimeSource stepping =
        new TimeSource() {
          @Override
          public long nanoTime() {
            return nanos.getAndAdd(80_000_000L);
          }

          @Override
          public Instant now() {
            return Instant.EPOCH;
          }
        };
    try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      HealthCheckResult r =
          TcpHealthCheck.builder("127.0.0.1", listening.getLocalPort())
              .slowThreshold(Duration.ofMillis(50))
              .timeSource(stepping)
              .build()
              .check();

      assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(r.message()).isEqualTo("connected after 80ms, slower than 50ms");
    }
  }

  @Test
  void tcpBuilderRejectsBadArguments() throws Exception {
    assertThatThrownBy(() -> TcpHealthCheck.of("localhost", 0))
        .hasMessage("port must be between 1 and 65535, was 0");
    assertThatThrownBy(() -> TcpHealthCheck.of(" ", 80))
        .hasMessage("host must not be blank, was \" \"");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
