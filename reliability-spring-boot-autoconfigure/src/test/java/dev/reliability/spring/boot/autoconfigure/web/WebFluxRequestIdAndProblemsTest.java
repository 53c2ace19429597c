package dev.reliability.spring.boot.autoconfigure.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.context.RequestContext;
import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.Policy;
import dev.reliability.reactor.PolicyOperator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The reactive contract on a real Reactor Netty through real HTTP: the request ID accepted,
 * replaced when hostile, on the response, in the handler's log lines after a thread hop (Reactor's
 * automatic context propagation on) and on Spring's server observation; the library's failures and
 * Spring's own errors as problem+json with the same request ID; one request counted once.
 */
@SpringBootTest(
    classes = WebFluxRequestIdAndProblemsTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.main.web-application-type=reactive",
      "spring.reactor.context-propagation=auto",
      "server.max-http-request-header-size=64KB"
    })
class WebFluxRequestIdAndProblemsTest {

  static final String HANDLER_LOGGER = "test.webflux.handler";
  static final List<String> OBSERVED_REQUEST_IDS = new CopyOnWriteArrayList<>();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(Api.class)
  static class App {
    @Bean
    Policy quoteBackend() {
      return Policy.builder("quote-backend")
          .circuitBreaker(
              CircuitBreakerConfig.builder()
                  .failureThreshold(1)
                  .waitInOpen(Duration.ofHours(1))
                  .build())
          .build();
    }

    @Bean
    ObservationHandler<ServerRequestObservationContext> requestIdRecorder() {
      return new ObservationHandler<>() {
        @Override
        public void onStop(ServerRequestObservationContext context) {
          var value = context.getHighCardinalityKeyValue("request.id");
          OBSERVED_REQUEST_IDS.add(value == null ? "(none)" : value.getValue());
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
          return context instanceof ServerRequestObservationContext;
        }
      };
    }
  }

  @RestController
  static class Api {
    private static final Logger log = LoggerFactory.getLogger(HANDLER_LOGGER);
    private final Policy policy;
    private final WebClient.Builder webClients;
    private final Environment environment;

    Api(Policy policy, WebClient.Builder webClients, Environment environment) {
      this.policy = policy;
      this.webClients = webClients;
      this.environment = environment;
    }

    @GetMapping("/echo")
    Mono<String> echo(@RequestHeader HttpHeaders headers) {
      return Mono.just(
          "id="
              + headers.getFirst("X-Request-ID")
              + ";deadline="
              + headers.getFirst("X-Request-Timeout-Ms"));
    }

    @GetMapping("/outgoing")
    Mono<String> outgoing() {
      String port = environment.getProperty("local.server.port");
      return webClients
          .build()
          .get()
          .uri("http://127.0.0.1:" + port + "/echo")
          .retrieve()
          .bodyToMono(String.class);
    }

    @GetMapping("/hello")
    Mono<String> hello() {
      return Mono.just("hop")
          .publishOn(Schedulers.boundedElastic())
          .map(
              v -> {
                log.info("handling hello after a hop");
                return RequestContext.currentRequestId();
              });
    }

    /** The reactive path: the breaker's permission and outcome through PolicyOperator. */
    @GetMapping("/quote")
    Mono<String> quote() {
      return Mono.<String>fromCallable(
              () -> {
                throw new IllegalStateException("backend at 10.0.0.7 refused");
              })
          .transformDeferred(PolicyOperator.of(policy));
    }
  }

  static MdcRecorder handlerLog;
  static MdcRecorder accessLog;

  // Attached once the context is up: Spring Boot resets Logback while it starts.
  @BeforeEach
  void recordLogs() {
    if (handlerLog == null) {
      handlerLog = MdcRecorder.attachTo(HANDLER_LOGGER);
      accessLog = MdcRecorder.attachTo("dev.reliability.tracing.access");
    }
  }

  @AfterAll
  static void stopRecording() {
    if (handlerLog != null) {
      handlerLog.stop();
      handlerLog = null;
      accessLog.stop();
      accessLog = null;
    }
  }

  @LocalServerPort int port;
  @Autowired MeterRegistry meters;
  @Autowired Policy quoteBackend;
  @Autowired WebServerApplicationContext context;

  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(String path, String requestId) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (requestId != null) {
      request.header("X-Request-ID", requestId);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theServerIsReactorNetty() {
    assertThat(context.getWebServer().getClass().getSimpleName()).isEqualTo("NettyWebServer");
  }

  @Test
  void aValidRequestIdIsEchoedAndInTheHandlersLogLinesAfterAThreadHop() throws Exception {
    HttpResponse<String> response = get("/hello", "flux-valid-1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Request-ID")).hasValue("flux-valid-1");
    assertThat(response.body()).isEqualTo("flux-valid-1");
    assertThat(handlerLog.linesContaining("handling hello after a hop"))
        .anySatisfy(
            line -> {
              assertThat(line.thread()).contains("boundedElastic");
              assertThat(line.mdc()).containsEntry("request_id", "flux-valid-1");
              assertThat(line.mdc()).containsEntry("path", "/hello");
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(OBSERVED_REQUEST_IDS).contains("flux-valid-1"));
  }

  @Test
  void aWebClientFromBootsBuilderSendsTheRequestIdAndTheRemainingDeadline() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/outgoing"))
                .header("X-Request-ID", "flux-out-1")
                .header("X-Request-Timeout-Ms", "30000")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith("id=flux-out-1;deadline=");
    long remaining = Long.parseLong(response.body().substring("id=flux-out-1;deadline=".length()));
    assertThat(remaining).isBetween(1L, 30_000L);
  }

  @Test
  void hostileRequestIdsAreReplacedNeverEchoed() throws Exception {
    String[] headerLines = {
      "X-Request-ID: " + "a".repeat(8 * 1024),
      "X-Request-ID: abc\u0001def",
      "X-Request-ID: abc\"quoted\"",
      "X-Request-ID: abc\rInjected: yes",
    };
    int replaced = 0;
    for (String line : headerLines) {
      RawHttp.Response response = RawHttp.get(port, "/hello", line);

      if (response.status() == 400) {
        continue; // refused by the server before the application
      }
      assertThat(response.status()).as(line).isEqualTo(200);
      String id = response.header("X-Request-ID");
      assertThat(id).as(line).matches("[A-Za-z0-9]{16}");
      assertThat(response.body()).isEqualTo(id);
      replaced++;
    }
    assertThat(replaced).isGreaterThanOrEqualTo(2);
  }

  @Test
  void anOpenBreakerFailsFastAs503ProblemJsonWithTheRequestIdAndRetryAfter() throws Exception {
    HttpResponse<String> first = get("/quote", "flux-quote-1");
    HttpResponse<String> second = get("/quote", "flux-quote-2");

    assertThat(first.statusCode()).isEqualTo(500);
    assertThat(first.body())
        .contains("\"error_code\":\"INTERNAL_ERROR\"", "\"request_id\":\"flux-quote-1\"")
        .doesNotContain("10.0.0.7");
    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(second.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(second.headers().firstValue("X-Request-ID")).hasValue("flux-quote-2");
    assertThat(second.headers().firstValue("Retry-After")).isPresent();
    assertThat(second.body())
        .contains(
            "\"status\":503",
            "\"error_code\":\"CIRCUIT_OPEN\"",
            "\"request_id\":\"flux-quote-2\"",
            "\"retry_after_seconds\":");
    assertThat(quoteBackend.stats().calls(CallOutcome.FAILURE)).isEqualTo(1);
    assertThat(quoteBackend.stats().calls(CallOutcome.REJECTED)).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(accessLog.linesContaining("GET /quote 503"))
                    .anySatisfy(
                        line ->
                            assertThat(line.mdc())
                                .containsEntry("request_id", "flux-quote-2")
                                .containsEntry("status", "503")
                                .containsEntry("error_code", "CIRCUIT_OPEN")));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        meters
                            .get("http.server.requests")
                            .tag("uri", "/quote")
                            .tag("error_code", "CIRCUIT_OPEN")
                            .timer()
                            .count())
                    .isEqualTo(1));
  }

  @Test
  void springsOwnNotFoundIsProblemJsonWithTheRequestId() throws Exception {
    HttpResponse<String> response = get("/no/such/page", "flux-404");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("X-Request-ID")).hasValue("flux-404");
    assertThat(response.body())
        .contains("\"status\":404", "\"error_code\":\"NOT_FOUND\"", "\"request_id\":\"flux-404\"");
  }

  @Test
  void oneRequestIsCountedOnceInHttpServerRequests() throws Exception {
    get("/hello", "flux-count-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> helloCount() >= 1);
    long before = helloCount();

    get("/hello", "flux-count-2");

    await().atMost(Duration.ofSeconds(10)).until(() -> helloCount() >= before + 1);
    assertThat(helloCount()).isEqualTo(before + 1);
    assertThat(meters.find("reliability.http.server.requests").meters()).isEmpty();
  }

  private long helloCount() {
    return meters.find("http.server.requests").tag("uri", "/hello").timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }
}
