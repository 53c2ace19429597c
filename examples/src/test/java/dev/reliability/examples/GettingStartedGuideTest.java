package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.BadResponseException;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.checks.CircuitBreakerHealthCheck;
import dev.reliability.health.http.HealthHttpHandler;
import dev.reliability.metrics.ReliabilityMetrics;
import dev.reliability.metrics.http.HttpServerMetricsFilter;
import dev.reliability.tracing.httpserver.ProblemJsonFilter;
import dev.reliability.tracing.httpserver.RequestContextFilter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The five-minute path of docs/getting-started.md, compiled and run: a named policy around a call,
 * health probes, the metrics endpoint and request IDs in the log context, all on one JDK {@code
 * HttpServer} on loopback.
 */
class GettingStartedGuideTest {

  /** The downstream dependency of the guide. */
  interface QuoteSource {
    String quote(String symbol);
  }

  private static final Logger log = LoggerFactory.getLogger("quotes");

  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicInteger backendCalls = new AtomicInteger();
  private final QuoteSource backend =
      symbol -> {
        backendCalls.incrementAndGet();
        if (failing.get()) {
          // Not retryable (a response that cannot be used), but counted by the circuit breaker.
          throw new BadResponseException("quote-backend", 200, "malformed quote");
        }
        return symbol + " 42.00";
      };

  @Test
  void guardedCallProbesMetricsAndRequestIds() throws Exception {
    int port = 0;
    // Probes reuse a check's result for cache-ttl (1s); without the cache the test sees the
    // breaker's state change at once instead of waiting for the cached result to expire.
    System.setProperty("reliability.health.cache-ttl", "0s");
    ch.qos.logback.classic.Logger logback =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("quotes");
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logback.addAppender(logged);

    Policy quotes =
        Policy.builder("quotes")
            .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(5).build())
            .retry(RetryConfig.builder().maxRetries(2).build())
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
            .bulkhead(BulkheadConfig.ofMaxConcurrentCalls(20))
            .configSource(ConfigSource.standard())
            .build();

    String quote = quotes.execute(() -> backend.quote("ACME"));
    assertThat(quote).isEqualTo("ACME 42.00");

    HealthCheckRegistry health =
        HealthCheckRegistry.builder().configSource(ConfigSource.standard()).build();
    health.register("quotes-circuit", CircuitBreakerHealthCheck.of(quotes));

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    HealthHttpHandler.create(health).mount(server); // /health/live, /health/ready, ...

    ReliabilityMetrics metrics =
        ReliabilityMetrics.builder()
            .service("quotes")
            .configSource(ConfigSource.standard())
            .build();
    server.createContext("/metrics", metrics.scrapeHandler());

    HttpContext api =
        server.createContext(
            "/api/quote",
            exchange -> {
              String answer = quotes.execute(() -> backend.quote("ACME"));
              log.info("quote served");
              byte[] body = ("{\"quote\":\"" + answer + "\"}").getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().set("Content-Type", "application/json");
              exchange.sendResponseHeaders(200, body.length);
              exchange.getResponseBody().write(body);
              exchange.close();
            });
    api.getFilters().add(RequestContextFilter.create());
    api.getFilters().add(HttpServerMetricsFilter.create(metrics.httpServer()));
    api.getFilters().add(ProblemJsonFilter.create());
    server.start();
    health.lifecycle().markStartupComplete();

    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    try {
      // Probes: live, ready and started; the breaker is closed.
      assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
      assertThat(get(base + "/health/startup").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(base + "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("{\"status\":\"healthy\"}");

      // A guarded call over HTTP: the caller's request ID is echoed and bound for the log line.
      HttpResponse<String> ok = get(base + "/api/quote", "X-Request-ID", "gs-0001");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("{\"quote\":\"ACME 42.00\"}");
      assertThat(ok.headers().firstValue("X-Request-ID")).contains("gs-0001");
      assertThat(logged.list)
          .anySatisfy(
              e -> {
                assertThat(e.getFormattedMessage()).isEqualTo("quote served");
                assertThat(e.getMDCPropertyMap()).containsEntry("request_id", "gs-0001");
              });

      // An over-long request ID is replaced, never echoed.
      HttpResponse<String> replaced = get(base + "/api/quote", "X-Request-ID", "x".repeat(200));
      assertThat(replaced.headers().firstValue("X-Request-ID").orElseThrow())
          .isNotEmpty()
          .hasSizeLessThanOrEqualTo(128);

      // Five failures in a row open the breaker: the next call fails fast with problem+json.
      failing.set(true);
      for (int i = 0; i < 5; i++) {
        assertThat(get(base + "/api/quote").statusCode()).isEqualTo(502);
      }
      assertThat(quotes.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.OPEN);
      int callsBefore = backendCalls.get();
      HttpResponse<String> open = get(base + "/api/quote", "X-Request-ID", "gs-0002");
      assertThat(open.statusCode()).isEqualTo(503);
      assertThat(open.headers().firstValue("Retry-After")).contains("60");
      assertThat(open.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("application/problem+json");
      assertThat(open.body())
          .contains("\"error_code\":\"CIRCUIT_OPEN\"")
          .contains("\"request_id\":\"gs-0002\"");
      assertThat(backendCalls.get()).isEqualTo(callsBefore);

      // The open breaker degrades /health; readiness stays 200 by default.
      HttpResponse<String> overall = get(base + "/health");
      assertThat(overall.statusCode()).isEqualTo(200);
      assertThat(overall.body()).contains("\"status\":\"degraded\"");
      assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200);

      // The metrics endpoint: HTTP RED metrics by route and status class, errors by error code.
      // The filter records once the exchange is done, just after the client has its answer.
      await().atMost(Duration.ofSeconds(5)).until(() -> metrics.httpServer().requestCount() == 8);
      String scrape = get(base + "/metrics").body();
      assertThat(scrape)
          .contains(
              "reliability_http_server_requests_seconds_count{method=\"GET\",route=\"/api/quote\","
                  + "service=\"quotes\",status_class=\"5xx\"} 6")
          .contains(
              "reliability_http_server_errors_total{error_code=\"CIRCUIT_OPEN\",method=\"GET\","
                  + "route=\"/api/quote\",service=\"quotes\",status_class=\"5xx\"} 1")
          .contains("jvm_memory_used_bytes");
    } finally {
      server.stop(0);
      health.close();
      metrics.close();
      quotes.close();
      logback.detachAppender(logged);
      System.clearProperty("reliability.health.cache-ttl");
    }
  }

  private HttpResponse<String> get(String url, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
