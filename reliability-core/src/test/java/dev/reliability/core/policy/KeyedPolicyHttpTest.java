package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two real loopback HTTP servers, one failing every request: keyed by host and port, the failing
 * host's breaker opens and refuses without sending, while the healthy host's calls keep flowing.
 */
class KeyedPolicyHttpTest {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final AtomicInteger badRequests = new AtomicInteger();
  private final AtomicInteger goodRequests = new AtomicInteger();
  private HttpServer bad;
  private HttpServer good;
  private KeyedPolicy perHost;

  @BeforeEach
  void start() throws IOException {
    bad = server(500, badRequests);
    good = server(200, goodRequests);
    perHost =
        KeyedPolicy.builder("downstream")
            .template(
                PolicyConfig.builder()
                    .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(3).build())
                    .build())
            .scheduler(scheduler)
            .build();
  }

  @AfterEach
  void stop() {
    perHost.close();
    bad.stop(0);
    good.stop(0);
  }

  private static HttpServer server(int status, AtomicInteger requests) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          byte[] body = ("status " + status).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return server;
  }

  private static URI uri(HttpServer server) {
    InetSocketAddress a = server.getAddress();
    return URI.create("http://" + a.getHostString() + ":" + a.getPort() + "/items");
  }

  /** Sends through the policy of the URI's host and port; a 5xx is a failure. */
  private String get(URI uri) {
    return perHost.execute(
        uri.getHost() + ":" + uri.getPort(),
        () -> {
          try {
            HttpResponse<String> r =
                CLIENT.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 500) {
              throw new ServiceUnavailableException(
                  uri.getHost(), "status " + r.statusCode(), null);
            }
            return r.body();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void theFailingHostsBreakerOpensWhileTheOtherHostsCallsKeepFlowing() {
    URI failing = uri(bad);
    URI healthy = uri(good);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> get(failing)).isInstanceOf(ServiceUnavailableException.class);
      assertThat(get(healthy)).isEqualTo("status 200");
    }
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> get(failing)).isInstanceOf(CircuitOpenException.class);
      assertThat(get(healthy)).isEqualTo("status 200");
    }

    assertThat(badRequests).hasValue(3);
    assertThat(goodRequests).hasValue(8);
    assertThat(perHost.keys()).hasSize(2);
    assertThat(perHost.find(failing.getHost() + ":" + failing.getPort()))
        .flatMap(Policy::circuitBreaker)
        .map(CircuitBreaker::state)
        .contains(CircuitState.OPEN);
    assertThat(perHost.find(healthy.getHost() + ":" + healthy.getPort()))
        .flatMap(Policy::circuitBreaker)
        .map(CircuitBreaker::state)
        .contains(CircuitState.CLOSED);
  }
}
