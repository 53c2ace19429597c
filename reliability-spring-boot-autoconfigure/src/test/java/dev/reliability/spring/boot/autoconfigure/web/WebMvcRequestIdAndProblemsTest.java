package dev.reliability.spring.boot.autoconfigure.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.ReliabilityException;
import dev.reliability.core.error.StandardErrorCode;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.Policy;
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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The servlet contract on a real Tomcat through real HTTP: the request ID accepted, replaced when
 * hostile, on the response, in the handler's log lines and on Spring's server observation; the
 * library's failures and Spring's own errors as problem+json with that same request ID; Spring's
 * {@code http.server.requests} counting each request once, with the error code.
 */
@SpringBootTest(
    classes = WebMvcRequestIdAndProblemsTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.max-http-request-header-size=64KB",
      "reliability.context.request-id-max-length=64"
    })
class WebMvcRequestIdAndProblemsTest {

  static final String HANDLER_LOGGER = "test.mvc.handler";
  static final List<String> OBSERVED_REQUEST_IDS = new CopyOnWriteArrayList<>();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import({Api.class, OwnAdvice.class})
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

    Api(Policy policy) {
      this.policy = policy;
    }

    @GetMapping("/hello")
    String hello() {
      log.info("handling hello");
      return RequestContext.currentRequestId();
    }

    @GetMapping("/teapot")
    String teapot() {
      throw new TeapotException();
    }

    @GetMapping("/quote")
    String quote() {
      return policy.execute(
          () -> {
            throw new IllegalStateException("backend at 10.0.0.7 refused password=hunter2");
          });
    }
  }

  /** A failure of the application's own, which its own advice answers. */
  static class TeapotException extends ReliabilityException {
    TeapotException() {
      super(StandardErrorCode.SERVICE_UNAVAILABLE, "the pot is empty");
    }
  }

  /** The application's advice: unordered, as most are. */
  @RestControllerAdvice
  static class OwnAdvice {
    @ExceptionHandler(TeapotException.class)
    ResponseEntity<String> teapot(TeapotException e) {
      return ResponseEntity.status(418).body("own advice");
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
  void aValidRequestIdIsEchoedBoundForTheHandlerInItsLogLinesAndOnTheObservation()
      throws Exception {
    HttpResponse<String> response = get("/hello", "mvc-valid-1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Request-ID")).hasValue("mvc-valid-1");
    assertThat(response.body()).isEqualTo("mvc-valid-1");
    assertThat(handlerLog.linesContaining("handling hello"))
        .anySatisfy(
            line -> {
              assertThat(line.mdc()).containsEntry("request_id", "mvc-valid-1");
              assertThat(line.mdc()).containsEntry("path", "/hello");
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(OBSERVED_REQUEST_IDS).contains("mvc-valid-1"));
  }

  @Test
  void aMissingRequestIdIsMintedAndReturned() throws Exception {
    HttpResponse<String> response = get("/hello", null);

    String minted = response.headers().firstValue("X-Request-ID").orElseThrow();
    assertThat(minted).matches("[A-Za-z0-9]{16}");
    assertThat(response.body()).isEqualTo(minted);
  }

  @Test
  void hostileRequestIdsAreReplacedNeverEchoed() throws Exception {
    String tooLong = "a".repeat(8 * 1024);
    String[] headerLines = {
      "X-Request-ID: " + tooLong,
      "X-Request-ID: abc\u0001def",
      "X-Request-ID: abc\u007fdef",
      "X-Request-ID: abc\"quoted\"",
      // A bare CR inside the value: not a line end for the server, a line break for a log.
      "X-Request-ID: abc\rInjected: yes",
    };
    for (String line : headerLines) {
      RawHttp.Response response = RawHttp.get(port, "/hello", line);

      if (response.status() == 400) {
        // The container itself refused the request line: nothing reached the application.
        continue;
      }
      assertThat(response.status()).as(line).isEqualTo(200);
      String id = response.header("X-Request-ID");
      assertThat(id).as(line).matches("[A-Za-z0-9]{16}");
      assertThat(response.body()).isEqualTo(id);
      assertThat(handlerLog.lines())
          .allSatisfy(l -> assertThat(l.mdc().getOrDefault("request_id", "")).hasSizeLessThan(65));
    }
    // At least the long and the quoted IDs reach the filter on Tomcat, and were replaced.
    RawHttp.Response quoted = RawHttp.get(port, "/hello", "X-Request-ID: abc\"quoted\"");
    assertThat(quoted.status()).isEqualTo(200);
    assertThat(quoted.header("X-Request-ID")).doesNotContain("quoted");
    RawHttp.Response longOne = RawHttp.get(port, "/hello", "X-Request-ID: " + tooLong);
    assertThat(longOne.status()).isEqualTo(200);
    assertThat(longOne.header("X-Request-ID")).hasSize(16);
  }

  @Test
  void anOpenBreakerFailsFastAs503ProblemJsonWithTheRequestIdAndRetryAfter() throws Exception {
    HttpResponse<String> first = get("/quote", "mvc-quote-1");
    HttpResponse<String> second = get("/quote", "mvc-quote-2");

    // The backend's own failure: a 500 that says nothing of the backend's internals.
    assertThat(first.statusCode()).isEqualTo(500);
    assertThat(first.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(first.body())
        .contains("\"error_code\":\"INTERNAL_ERROR\"", "\"request_id\":\"mvc-quote-1\"")
        .doesNotContain("10.0.0.7", "hunter2");
    // Then the breaker is open and the policy fails fast.
    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(second.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(second.headers().firstValue("X-Request-ID")).hasValue("mvc-quote-2");
    assertThat(second.headers().firstValue("Retry-After")).isPresent();
    assertThat(second.body())
        .contains(
            "\"status\":503",
            "\"error_code\":\"CIRCUIT_OPEN\"",
            "\"request_id\":\"mvc-quote-2\"",
            "\"retryable\":true",
            "\"retry_after_seconds\":");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(accessLog.linesContaining("GET /quote 503"))
                    .anySatisfy(
                        line ->
                            assertThat(line.mdc())
                                .containsEntry("request_id", "mvc-quote-2")
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
  void theApplicationsOwnAdviceWinsOverTheLibrarysForItsExceptions() throws Exception {
    HttpResponse<String> response = get("/teapot", "mvc-teapot");

    assertThat(response.statusCode()).isEqualTo(418);
    assertThat(response.body()).isEqualTo("own advice");
  }

  @Test
  void springsOwnNotFoundIsProblemJsonWithTheRequestIdAndWithoutThePathInDetail() throws Exception {
    HttpResponse<String> response = get("/no/such/page", "mvc-404");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("X-Request-ID")).hasValue("mvc-404");
    assertThat(response.body())
        .contains(
            "\"status\":404",
            "\"error_code\":\"NOT_FOUND\"",
            "\"request_id\":\"mvc-404\"",
            "\"instance\":\"/no/such/page\"",
            "\"detail\":\"Not Found\"");
  }

  @Test
  void oneRequestIsCountedOnceInHttpServerRequests() throws Exception {
    get("/hello?count=once", "mvc-count");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              List<Timer> timers =
                  meters.find("http.server.requests").tag("uri", "/hello").timers().stream()
                      .toList();
              assertThat(timers).isNotEmpty();
              assertThat(timers)
                  .allSatisfy(t -> assertThat(t.getId().getTag("error_code")).isEqualTo("none"));
            });
    long before = helloCount();
    get("/hello", "mvc-count-2");
    await().atMost(Duration.ofSeconds(10)).until(() -> helloCount() >= before + 1);
    assertThat(helloCount()).isEqualTo(before + 1);
    assertThat(meters.find("http.server.requests").timers())
        .as("no second HTTP timer from the library's own metrics filter")
        .allSatisfy(t -> assertThat(t.getId().getName()).isEqualTo("http.server.requests"));
    assertThat(meters.find("reliability.http.server.requests").meters()).isEmpty();
  }

  private long helloCount() {
    return meters.find("http.server.requests").tag("uri", "/hello").timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }
}
