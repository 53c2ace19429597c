package dev.reliability.core.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.BadResponseException;
import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.CircuitBreaker;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Fallback;
import dev.reliability.core.policy.Jitter;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.PolicyListener;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.core.policy.RateLimiterConfig;
import dev.reliability.core.policy.RejectionReason;
import dev.reliability.core.policy.Retry;
import dev.reliability.core.policy.RetryBudget;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.core.policy.TimeLimiter;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.test.ManualScheduler;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The code shown in docs/fault-tolerance.md and the pages it links (circuit-breaker.md, retry.md,
 * time-limits.md, bulkheads-and-rate-limits.md, fallbacks.md); the docs check asserts the text
 * matches.
 */
class FaultToleranceGuideTest {

  private final List<String> requestIds = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private HttpServer server;
  private URI uri;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requestIds.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Request-ID")));
          byte[] body = "[\"order-1\"]".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status.get(), body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/orders");
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  /** Stands for a paging service in the listener example. */
  static final class Pager {
    final List<String> pages = new CopyOnWriteArrayList<>();

    void page(String message) {
      pages.add(message);
    }
  }

  private static Supplier<String> failing(String service) {
    return () -> {
      throw new ServiceUnavailableException(service, "down");
    };
  }

  // ---------------------------------------------------------------- fault-tolerance.md

  @Test
  void aNamedPolicyAroundAnHttpCall() throws Exception {
    HttpClient client = HttpClient.newHttpClient();

    // docs/fault-tolerance.md: the complete example
    Policy orders =
        Policy.builder("orders")
            .retry(RetryConfig.builder().maxRetries(2).build())
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .bulkhead(BulkheadConfig.ofMaxConcurrentCalls(20))
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
            .build();

    String body;
    try (ContextScope scope = RequestContext.of("req-42").bind()) {
      body =
          orders.call(
              () -> {
                HttpRequest request =
                    HttpRequest.newBuilder(uri)
                        .header("X-Request-ID", RequestContext.currentRequestId())
                        .build();
                HttpResponse<String> response = client.send(request, BodyHandlers.ofString());
                if (response.statusCode() >= 500) {
                  throw new BadResponseException("orders", response.statusCode(), "orders failed");
                }
                return response.body();
              },
              Fallback.onRejection(failure -> "[]"));
    }

    assertThat(body).isEqualTo("[\"order-1\"]");
    assertThat(requestIds).containsExactly("req-42");
    assertThat(orders.stats().calls(CallOutcome.SUCCESS)).isEqualTo(1);

    // docs/fault-tolerance.md: asynchronous
    CompletableFuture<String> async =
        orders.executeAsync(
            () ->
                client
                    .sendAsync(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString())
                    .thenApply(HttpResponse::body));

    assertThat(async.get(10, TimeUnit.SECONDS)).isEqualTo("[\"order-1\"]");
    orders.close();
  }

  @Test
  void theStandardSourceReadsPropertiesAndEnvironment() {
    // docs/fault-tolerance.md: the registry's source
    ConfigSource source = ConfigSource.standard();

    assertThat(source).isNotNull();
  }

  @Test
  void aRegistryWithATemplateAndEnvironmentVariables() {
    ConfigSource source =
        ConfigSource.environment(
            Map.of("RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD", "10"));

    // docs/fault-tolerance.md: registry
    PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(source)
            .template(
                "http-client",
                PolicyConfig.builder()
                    .retry(RetryConfig.builder().maxRetries(2).build())
                    .circuitBreaker(CircuitBreakerConfig.ofDefaults())
                    .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
                    .build())
            .build();
    Policy payments = registry.policy("payments", "http-client");
    Policy shipping = registry.policy("shipping", "http-client");

    assertThat(payments.config().circuitBreaker().orElseThrow().failureThreshold()).isEqualTo(10);
    assertThat(shipping.config().circuitBreaker().orElseThrow().failureThreshold()).isEqualTo(5);
    assertThat(registry.policy("payments")).isSameAs(payments);
    registry.close();
  }

  @Test
  void aListenerHearsStateChangesAndRejections() {
    Pager pager = new Pager();
    LongAdder rejections = new LongAdder();
    ManualScheduler scheduler = ManualScheduler.create();

    // docs/fault-tolerance.md: listener
    PolicyListener alerts =
        new PolicyListener() {
          @Override
          public void onStateChange(String policy, CircuitState from, CircuitState to) {
            if (to == CircuitState.OPEN) {
              pager.page("circuit breaker of " + policy + " opened");
            }
          }

          @Override
          public void onRejected(
              String policy, Object handle, RejectionReason reason, Duration retryAfter) {
            rejections.increment();
          }
        };
    Policy policy =
        Policy.builder("inventory")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .listener(alerts)
            .scheduler(scheduler)
            .build();

    for (int i = 0; i < 6; i++) {
      assertThatThrownBy(() -> policy.execute(failing("inventory")))
          .isInstanceOf(i < 5 ? ServiceUnavailableException.class : CircuitOpenException.class);
    }
    assertThat(pager.pages).containsExactly("circuit breaker of inventory opened");
    assertThat(rejections.sum()).isEqualTo(1);
  }

  @Test
  void testsMoveTimeInsteadOfSleeping() {
    // docs/fault-tolerance.md: tests
    ManualScheduler scheduler = ManualScheduler.create();
    Policy policy =
        Policy.builder("inventory")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .scheduler(scheduler)
            .build();
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> policy.execute(failing("inventory")))
          .isInstanceOf(ServiceUnavailableException.class);
    }
    assertThat(policy.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.OPEN);
    scheduler.advance(Duration.ofSeconds(61));
    assertThat(policy.execute(() -> "trial")).isEqualTo("trial");
    assertThat(policy.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.HALF_OPEN);
  }

  @Test
  void theResilience4jTypesAreReachable() {
    // docs/fault-tolerance.md: bring your own Resilience4j breaker
    io.github.resilience4j.circuitbreaker.CircuitBreaker theirs =
        io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("inventory");
    Policy policy =
        Policy.builder("inventory")
            .circuitBreaker(theirs)
            .bulkhead(BulkheadConfig.ofDefaults())
            .build();

    // docs/fault-tolerance.md: Resilience4j underneath
    Optional<io.github.resilience4j.circuitbreaker.CircuitBreaker> breaker =
        policy.circuitBreaker().orElseThrow().resilience4j();
    io.github.resilience4j.bulkhead.Bulkhead bulkhead =
        policy.bulkhead().orElseThrow().resilience4j().orElseThrow();

    assertThat(breaker).containsSame(theirs);
    policy.execute(() -> "counted");
    assertThat(theirs.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
    assertThat(bulkhead.getBulkheadConfig().getMaxConcurrentCalls()).isEqualTo(25);
    Policy own =
        Policy.builder("payments").circuitBreaker(CircuitBreakerConfig.ofDefaults()).build();
    assertThat(own.circuitBreaker().orElseThrow().resilience4j()).isEmpty();
  }

  @Test
  void aRegistryOfResilience4jBreakers() {
    // docs/circuit-breaker.md: bringing your own Resilience4j breaker
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    PolicyRegistry policies = PolicyRegistry.builder().circuitBreakerRegistry(breakers).build();
    Policy payments =
        policies.policy("payments"); // the breaker breakers.circuitBreaker("payments")

    assertThat(payments.circuitBreaker().orElseThrow().resilience4j())
        .containsSame(breakers.circuitBreaker("payments"));
    policies.close();
  }

  @Test
  void anExecutorOfYourOwn() throws Exception {
    // docs/fault-tolerance.md: executor
    ExecutorService attempts = Executors.newFixedThreadPool(16);
    Policy reports =
        Policy.builder("reports")
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(5)))
            .executor(attempts)
            .build();

    String thread = reports.execute(() -> Thread.currentThread().getName());
    assertThat(thread).startsWith("pool-");
    reports.close();
    assertThat(attempts.isShutdown()).isFalse();
    attempts.shutdown();
    assertThat(attempts.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  // ---------------------------------------------------------------- circuit-breaker.md

  @Test
  void circuitBreakerConfigurations() {
    // docs/circuit-breaker.md: rates over a time window
    CircuitBreakerConfig rates =
        CircuitBreakerConfig.builder()
            .failureThreshold(0)
            .slidingWindowType(CircuitBreakerConfig.WindowType.TIME_BASED)
            .slidingWindowSize(30)
            .minimumCalls(20)
            .failureRateThreshold(0.5)
            .slowCallThreshold(Duration.ofSeconds(2))
            .slowCallRateThreshold(0.8)
            .waitInOpen(Duration.ofSeconds(30))
            .halfOpenCalls(5)
            .maxWaitInHalfOpen(Duration.ofMinutes(2))
            .build();

    // docs/circuit-breaker.md: presets
    CircuitBreakerConfig seeds = CircuitBreakerConfig.ofDefaults();
    CircuitBreakerConfig resilience4j =
        CircuitBreakerConfig.preset(CircuitBreakerConfig.Preset.FAILURE_RATE);

    // docs/circuit-breaker.md: results that count as failures
    CircuitBreakerConfig on503 =
        CircuitBreakerConfig.builder()
            .failureWhenResult(
                r -> r instanceof HttpResponse<?> response && response.statusCode() == 503)
            .build();

    assertThat(rates.slidingWindowType()).isEqualTo(CircuitBreakerConfig.WindowType.TIME_BASED);
    assertThat(seeds.failureThreshold()).isEqualTo(5);
    assertThat(seeds.waitInOpen()).isEqualTo(Duration.ofSeconds(60));
    assertThat(seeds.halfOpenCalls()).isEqualTo(3);
    assertThat(resilience4j.failureThreshold()).isZero();
    assertThat(resilience4j.halfOpenCalls()).isEqualTo(10);
    assertThat(on503.isFailureResult("fine")).isFalse();
  }

  @Test
  void whatCallersOfAnOpenBreakerGet() {
    ManualScheduler scheduler = ManualScheduler.create();
    Policy policy =
        Policy.builder("inventory")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .scheduler(scheduler)
            .build();
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> policy.execute(failing("inventory")))
          .isInstanceOf(ServiceUnavailableException.class);
    }
    scheduler.advance(Duration.ofSeconds(20));

    // docs/circuit-breaker.md: the rejection
    try {
      policy.execute(() -> "never runs");
    } catch (CircuitOpenException e) {
      ProblemDetail problem = ProblemDetailFactory.ofDefaults().create(e, "req-42");
      assertThat(e.code()).isEqualTo("CIRCUIT_OPEN");
      assertThat(e.component()).isEqualTo("inventory");
      assertThat(e.retryAfter()).contains(Duration.ofSeconds(40));
      assertThat(problem.status()).isEqualTo(503);
      assertThat(problem.retryAfterHeader()).contains("40");
    }

    assertThat(policy.circuitBreaker().orElseThrow().rejectedCalls()).isEqualTo(1);
  }

  @Test
  void manualControlOfTheBreaker() {
    Policy policy =
        Policy.builder("inventory").circuitBreaker(CircuitBreakerConfig.ofDefaults()).build();

    // docs/circuit-breaker.md: manual control
    CircuitBreaker breaker = policy.circuitBreaker().orElseThrow();
    breaker.forceOpen(); // refuse every call until told otherwise
    breaker.forceClosed(); // let every call through; the window still records
    breaker.disable(); // let every call through; the window records nothing
    breaker.reset(); // closed, with an empty window

    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    breaker.forceOpen();
    assertThatThrownBy(() -> policy.execute(() -> "x"))
        .isInstanceOfSatisfying(
            CircuitOpenException.class, e -> assertThat(e.retryAfter()).isEmpty());
    breaker.disable();
    assertThat(policy.execute(() -> "x")).isEqualTo("x");
    assertThat(breaker.state()).isEqualTo(CircuitState.DISABLED);
  }

  // ---------------------------------------------------------------- retry.md

  @Test
  void retryConfigurations() {
    // docs/retry.md: backoff and jitter
    RetryConfig retry =
        RetryConfig.builder()
            .maxRetries(4)
            .backoff(Backoff.exponential(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5)))
            .jitter(Jitter.EQUAL)
            .maxDuration(Duration.ofSeconds(10))
            .build();

    // docs/retry.md: the other shapes
    Backoff fixed = Backoff.fixed(Duration.ofMillis(500));
    Backoff linear =
        Backoff.linear(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(1));

    // docs/retry.md: which failures
    RetryConfig choose =
        RetryConfig.builder()
            .retryOn(IOException.class)
            .retryOn(ServiceTimeoutException.class)
            .abortOn(java.io.FileNotFoundException.class)
            .build();

    // docs/retry.md: results
    RetryConfig pending = RetryConfig.builder().retryOnResult(r -> "PENDING".equals(r)).build();

    // docs/retry.md: budget
    RetryConfig budgeted = RetryConfig.builder().budget(RetryBudget.of(0.2, 10)).build();

    assertThat(retry.backoff().delay(3)).isEqualTo(Duration.ofMillis(800));
    assertThat(fixed.delay(7)).isEqualTo(Duration.ofMillis(500));
    assertThat(linear.delay(3)).isEqualTo(Duration.ofMillis(300));
    assertThat(choose.isRetryable(new IOException("reset"))).isTrue();
    assertThat(choose.isRetryable(new java.io.FileNotFoundException("gone"))).isFalse();
    assertThat(choose.isRetryable(new DataValidationException("bad"))).isFalse();
    assertThat(pending.isRetryableResult("PENDING")).isTrue();
    assertThat(budgeted.budget()).isPresent();
  }

  @Test
  void retriesOnTheManualClockAndTheirStatistics() {
    ManualScheduler scheduler = ManualScheduler.create();
    AtomicInteger attempts = new AtomicInteger();
    Policy policy =
        Policy.builder("catalog")
            .retry(
                RetryConfig.builder()
                    .maxRetries(3)
                    .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)))
                    .jitter(Jitter.NONE)
                    .build())
            .scheduler(scheduler)
            .build();

    String result =
        policy.execute(
            () -> {
              if (attempts.incrementAndGet() < 3) {
                throw new ServiceUnavailableException("catalog", "busy");
              }
              return "ok";
            });

    // docs/retry.md: statistics
    Retry stats = policy.retry().orElseThrow();
    long recovered = stats.successfulAfterRetry();
    long gaveUp = stats.exhausted();

    assertThat(result).isEqualTo("ok");
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(recovered).isEqualTo(1);
    assertThat(gaveUp).isZero();
    assertThat(stats.retries()).isEqualTo(2);
  }

  // ---------------------------------------------------------------- time-limits.md

  @Test
  void aSynchronousCallIsCutAtItsTimeLimit() throws Exception {
    ManualScheduler scheduler = ManualScheduler.create();
    ExecutorService threads = Executors.newCachedThreadPool();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);

    // docs/time-limits.md: a time limit
    Policy policy =
        Policy.builder("search")
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
            .scheduler(scheduler)
            .executor(threads)
            .build();

    CompletableFuture<Throwable> caller =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                policy.call(
                    () -> {
                      started.countDown();
                      try {
                        new CountDownLatch(1).await(); // a call that would hang
                        return "never";
                      } finally {
                        interrupted.countDown();
                      }
                    });
                return null;
              } catch (Exception e) {
                return e;
              }
            });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(Duration.ofSeconds(2));

    assertThat(caller.get(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ServiceTimeoutException.class,
            e -> {
              assertThat(e.code()).isEqualTo("SERVICE_TIMEOUT");
              assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(2));
            });
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();

    // docs/time-limits.md: counters
    TimeLimiter limit = policy.timeLimiter().orElseThrow();
    long timedOut = limit.timedOutCalls();
    long ignoredInterrupts = limit.ignoredInterrupts();
    int stillRunning = limit.runningAfterTimeout();

    assertThat(timedOut).isEqualTo(1);
    assertThat(ignoredInterrupts).isZero();
    assertThat(stillRunning).isBetween(0, 1);
    threads.shutdownNow();
  }

  @Test
  void aTimeLimitThatDoesNotInterrupt() {
    // docs/time-limits.md: without interrupting
    TimeLimiterConfig leaveRunning =
        TimeLimiterConfig.builder().timeout(Duration.ofSeconds(2)).cancelRunning(false).build();

    assertThat(leaveRunning.cancelRunning()).isFalse();
  }

  // ---------------------------------------------------------------- bulkheads-and-rate-limits.md

  @Test
  void bulkheadAndRateLimiterConfigurations() {
    // docs/bulkheads-and-rate-limits.md: bulkhead
    BulkheadConfig bulkhead =
        BulkheadConfig.builder()
            .maxConcurrentCalls(10)
            .maxWait(Duration.ofMillis(100))
            .retryAfter(Duration.ofMillis(500))
            .build();

    // docs/bulkheads-and-rate-limits.md: rate limiter
    RateLimiterConfig perSecond = RateLimiterConfig.perSecond(100);
    RateLimiterConfig perMinute =
        RateLimiterConfig.builder()
            .limit(60)
            .period(Duration.ofMinutes(1))
            .maxWait(Duration.ofSeconds(1))
            .build();

    assertThat(bulkhead.retryAfter()).isEqualTo(Duration.ofMillis(500));
    assertThat(perSecond.limit()).isEqualTo(100);
    assertThat(perMinute.maxWait()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void whatCallersOfAFullLimiterGet() {
    ManualScheduler scheduler = ManualScheduler.create();
    Policy policy =
        Policy.builder("geocoder")
            .rateLimiter(RateLimiterConfig.builder().limit(2).period(Duration.ofSeconds(1)).build())
            .scheduler(scheduler)
            .build();
    policy.execute(() -> "first");
    policy.execute(() -> "second");

    // docs/bulkheads-and-rate-limits.md: rejections
    try {
      policy.execute(() -> "third");
    } catch (RateLimitExceededException e) {
      assertThat(e.retryAfter()).contains(Duration.ofMillis(500));
      assertThat(e.httpStatus()).isEqualTo(429);
    } catch (BulkheadFullException e) {
      assertThat(e.maxConcurrentCalls()).isPositive();
    }

    assertThat(policy.rateLimiter().orElseThrow().rejectedCalls()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- fallbacks.md

  @Test
  void fallbacks() throws Exception {
    Policy policy =
        Policy.builder("recommendations").circuitBreaker(CircuitBreakerConfig.ofDefaults()).build();
    List<String> cached = List.of("cached");

    // docs/fallbacks.md: kinds
    Fallback<List<String>> always = Fallback.value(List.of());
    Fallback<List<String>> fromCache = Fallback.of(failure -> cached);
    Fallback<List<String>> whenRefused = Fallback.onRejection(failure -> cached);
    Fallback<List<String>> onTimeouts =
        Fallback.of(failure -> cached).on(ServiceTimeoutException.class);

    // docs/fallbacks.md: use
    List<String> items = policy.execute(() -> fetchRecommendations(), fromCache);
    CompletableFuture<List<String>> later =
        policy.executeAsync(
            () -> CompletableFuture.supplyAsync(() -> fetchRecommendations()), always);

    assertThat(items).containsExactly("cached");
    assertThat(later.get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(whenRefused.handles(new ServiceUnavailableException("x", "down"))).isFalse();
    assertThat(whenRefused.handles(new CircuitOpenException("x", "OPEN", null))).isTrue();
    assertThat(onTimeouts.handles(new ServiceTimeoutException("x", Duration.ofSeconds(1))))
        .isTrue();
    assertThat(policy.stats().calls(CallOutcome.FALLBACK)).isEqualTo(2);
  }

  private static List<String> fetchRecommendations() {
    throw new ServiceUnavailableException("recommendations", "down");
  }
}
