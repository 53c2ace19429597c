package dev.reliability.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.context.RequestContext;
import dev.reliability.core.context.RequestContextAccessor;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.Fallback;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.core.policy.TimeLimiterConfig;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/** The examples of docs/reactor.md, run as written. */
class ReactorGuideExamplesTest {

  private final Scheduler boundedElastic = Schedulers.newBoundedElastic(2, 100, "guide");

  @AfterEach
  void dispose() {
    boundedElastic.dispose();
  }

  private static Mono<String> fetchQuote() {
    return Mono.fromCallable(() -> "quote " + RequestContext.currentRequestId());
  }

  private static Flux<String> priceTicks() {
    return Flux.just("1.00", "1.01", "1.02");
  }

  @Test
  void aMonoGuardedByAPolicy() {
    Policy policy =
        Policy.builder("quotes")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .retry(RetryConfig.builder().maxRetries(2).build())
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
            .bulkhead(BulkheadConfig.ofMaxConcurrentCalls(25))
            .build();

    Mono<String> quote = fetchQuote().transformDeferred(PolicyOperator.of(policy));

    assertThat(quote.block(Duration.ofSeconds(5))).startsWith("quote");
  }

  @Test
  void aFluxWithAFallbackWaitingOnItsOwnScheduler() {
    Policy policy = Policy.builder("prices").retry(RetryConfig.ofDefaults()).build();

    Flux<String> prices =
        priceTicks()
            .transformDeferred(
                PolicyOperator.<String>of(policy)
                    .withFallback(Fallback.value("unknown"))
                    .on(boundedElastic));

    assertThat(prices.collectList().block(Duration.ofSeconds(5)))
        .containsExactly("1.00", "1.01", "1.02");
  }

  @Test
  void theRequestContextFromReactorsContext() {
    Policy policy = Policy.builder("quotes").build();

    Mono<String> quote =
        fetchQuote()
            .transformDeferred(PolicyOperator.of(policy))
            .contextWrite(Context.of(RequestContextAccessor.KEY, RequestContext.of("req-42")));

    assertThat(quote.block(Duration.ofSeconds(5))).isEqualTo("quote req-42");
  }

  @Test
  void aTimeLimitOnVirtualTime() {
    Policy policy =
        Policy.builder("slow").timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2))).build();

    StepVerifier.withVirtualTime(() -> Mono.never().transformDeferred(PolicyOperator.of(policy)))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(2))
        .expectError(ServiceTimeoutException.class)
        .verify(Duration.ofSeconds(5));
  }
}
