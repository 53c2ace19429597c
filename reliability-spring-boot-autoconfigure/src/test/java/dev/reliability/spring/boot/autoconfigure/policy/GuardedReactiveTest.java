package dev.reliability.spring.boot.autoconfigure.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.context.RequestContextAccessor;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.core.policy.Retry;
import dev.reliability.reactor.PolicyOperator;
import dev.reliability.spring.boot.Guarded;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.ParallelFlux;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/**
 * {@code @Guarded} on methods that return a {@code Mono} or {@code Flux}, in a real context: the
 * policy applied with {@code PolicyOperator}, the method invoked again for each attempt, waits in
 * virtual time; and the start-up checks of reactive methods.
 */
@SpringBootTest(
    classes = GuardedReactiveTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "reliability.policies.reactive-backend.retry.max-retries=2",
      "reliability.policies.reactive-backend.retry.backoff=fixed",
      "reliability.policies.reactive-backend.retry.initial-delay=10s",
      "reliability.policies.reactive-backend.retry.max-delay=10s",
      "reliability.policies.reactive-backend.retry.jitter=none",
      "reliability.policies.reactive-backend.circuitbreaker.failure-threshold=1000",
      "reliability.policies.reactive-fail-fast.circuitbreaker.failure-threshold=1",
      "reliability.policies.reactive-fail-fast.circuitbreaker.minimum-calls=1",
      "reliability.policies.reactive-fail-fast.retry.enabled=false",
      "reliability.policies.reactive-once.retry.enabled=false"
    })
class GuardedReactiveTest {

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {
    @Bean
    QuoteClient quoteClient() {
      return new QuoteClient();
    }
  }

  static class QuoteClient {
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final List<String> requestIds = new CopyOnWriteArrayList<>();

    void reset() {
      calls.set(0);
      failuresLeft.set(0);
      requestIds.clear();
    }

    int calls() {
      return calls.get();
    }

    void failNext(int attempts) {
      failuresLeft.set(attempts);
    }

    List<String> requestIds() {
      return requestIds;
    }

    /** Throws itself (not in the Mono) while failures are left: a checked exception, too. */
    @Guarded("reactive-backend")
    public Mono<String> quote(String symbol) throws IOException {
      int call = calls.incrementAndGet();
      requestIds.add(String.valueOf(RequestContext.currentRequestId()));
      if (failuresLeft.getAndDecrement() > 0) {
        throw new IOException("connection reset at call " + call);
      }
      return Mono.just(symbol + "=" + call);
    }

    @Guarded("reactive-backend")
    public Mono<String> failing() {
      int call = calls.incrementAndGet();
      return Mono.error(new IOException("connection reset at call " + call));
    }

    @Guarded("reactive-backend")
    public Flux<String> ticks() {
      int call = calls.incrementAndGet();
      return failuresLeft.getAndDecrement() > 0
          ? Flux.error(new IOException("connection reset at call " + call))
          : Flux.just("a" + call, "b" + call);
    }

    @Guarded("reactive-fail-fast")
    public Mono<String> down() {
      calls.incrementAndGet();
      return Mono.error(new IllegalStateException("down"));
    }

    @Guarded("reactive-once")
    public Mono<String> nothing() {
      calls.incrementAndGet();
      return null;
    }
  }

  @Autowired QuoteClient client;
  @Autowired PolicyRegistry registry;

  @BeforeEach
  void reset() {
    client.reset();
  }

  private Mono<String> quote(String symbol) {
    try {
      return client.quote(symbol);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Policy policy(String name) {
    return registry.find(name).orElseThrow();
  }

  @Test
  void eachAttemptInvokesTheMethodAgainAfterThePolicysBackoffInVirtualTime() {
    Policy policy = policy("reactive-backend");
    Retry retry = policy.retry().orElseThrow();
    long successes = policy.stats().calls(CallOutcome.SUCCESS);
    long afterRetry = retry.successfulAfterRetry();
    long retries = retry.retries();
    client.failNext(2);

    StepVerifier.withVirtualTime(() -> quote("ACME"))
        .expectSubscription()
        .then(() -> assertThat(client.calls()).isEqualTo(1))
        .expectNoEvent(Duration.ofSeconds(9))
        .thenAwait(Duration.ofSeconds(1))
        .then(() -> assertThat(client.calls()).isEqualTo(2))
        .thenAwait(Duration.ofSeconds(10))
        .expectNext("ACME=3")
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    assertThat(client.calls()).isEqualTo(3);
    assertThat(policy.stats().calls(CallOutcome.SUCCESS)).isEqualTo(successes + 1);
    assertThat(retry.successfulAfterRetry()).isEqualTo(afterRetry + 1);
    assertThat(retry.retries()).isEqualTo(retries + 2);
  }

  @Test
  void theMethodIsInvokedAtSubscriptionAndEachSubscriptionIsOneCallOfThePolicy() throws Exception {
    Policy policy = policy("reactive-backend");
    long successes = policy.stats().calls(CallOutcome.SUCCESS);

    Mono<String> quote = client.quote("ACME");

    assertThat(client.calls()).isEqualTo(0);
    StepVerifier.create(quote).expectNext("ACME=1").expectComplete().verify(Duration.ofSeconds(10));
    StepVerifier.create(quote).expectNext("ACME=2").expectComplete().verify(Duration.ofSeconds(10));
    assertThat(policy.stats().calls(CallOutcome.SUCCESS)).isEqualTo(successes + 2);
  }

  @Test
  void anErrorOfTheReturnedMonoIsRetriedAndTheLastReachesTheSubscriberAsAFailure() {
    Policy policy = policy("reactive-backend");
    long failures = policy.stats().calls(CallOutcome.FAILURE);
    long exhausted = policy.retry().orElseThrow().exhausted();

    StepVerifier.withVirtualTime(client::failing)
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(20))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IOException.class)
                    .hasMessage("connection reset at call 3"))
        .verify(Duration.ofSeconds(10));

    assertThat(client.calls()).isEqualTo(3);
    assertThat(policy.stats().calls(CallOutcome.FAILURE)).isEqualTo(failures + 1);
    assertThat(policy.retry().orElseThrow().exhausted()).isEqualTo(exhausted + 1);
  }

  @Test
  void aGuardedFluxIsRetriedWithAFreshInvocationBeforeItsFirstElement() {
    client.failNext(1);

    StepVerifier.withVirtualTime(client::ticks)
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(9))
        .thenAwait(Duration.ofSeconds(1))
        .expectNext("a2", "b2")
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    assertThat(client.calls()).isEqualTo(2);
  }

  @Test
  void anOpenBreakerFailsFastWithoutInvokingTheMethodAndTheStatsCountBoth() {
    Policy policy = policy("reactive-fail-fast");

    StepVerifier.create(client.down())
        .expectError(IllegalStateException.class)
        .verify(Duration.ofSeconds(10));
    StepVerifier.create(client.down())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(CircuitOpenException.class)
                    .hasMessageContaining("reactive-fail-fast"))
        .verify(Duration.ofSeconds(10));

    assertThat(client.calls()).isEqualTo(1);
    assertThat(policy.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.OPEN);
    assertThat(policy.stats().calls(CallOutcome.FAILURE)).isEqualTo(1);
    assertThat(policy.stats().calls(CallOutcome.REJECTED)).isEqualTo(1);
  }

  @Test
  void theMethodSeesTheSubscribersRequestContextAlsoInARetry() {
    client.failNext(1);

    StepVerifier.withVirtualTime(
            () ->
                quote("ACME")
                    .contextWrite(
                        Context.of(RequestContextAccessor.KEY, RequestContext.of("req-42"))))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(10))
        .expectNext("ACME=2")
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    assertThat(client.requestIds()).containsExactly("req-42", "req-42");
  }

  @Test
  void aMethodThatReturnsNullFailsTheSubscriptionNamingTheMethod() {
    StepVerifier.create(client.nothing())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("nothing()")
                    .hasMessageEndingWith("returned null"))
        .verify(Duration.ofSeconds(10));
    assertThat(client.calls()).isEqualTo(1);
  }

  // With the context runner: the interceptors inside the policy's, and the start-up checks.

  static class FailingMono {
    private final AtomicInteger calls = new AtomicInteger();

    int calls() {
      return calls.get();
    }

    @Guarded("reactive-backend")
    public Mono<String> call() {
      calls.incrementAndGet();
      return Mono.error(new IOException("reset"));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class FailingMonoConfig {
    @Bean
    FailingMono failingMono() {
      return new FailingMono();
    }
  }

  @Test
  void eachAttemptPassesThroughTheInterceptorsOrderedAfterThePolicy() {
    GuardedTest.InnerAdvisorConfig.INNER_CALLS.set(0);
    runner
        .withPropertyValues(
            "reliability.policies.reactive-backend.retry.backoff=fixed",
            "reliability.policies.reactive-backend.retry.initial-delay=1s",
            "reliability.policies.reactive-backend.retry.jitter=none")
        .withUserConfiguration(FailingMonoConfig.class, GuardedTest.InnerAdvisorConfig.class)
        .run(
            context -> {
              FailingMono failing = context.getBean(FailingMono.class);

              StepVerifier.withVirtualTime(failing::call)
                  .expectSubscription()
                  .thenAwait(Duration.ofSeconds(2))
                  .expectError(IOException.class)
                  .verify(Duration.ofSeconds(10));

              assertThat(failing.calls()).isEqualTo(3);
              assertThat(GuardedTest.InnerAdvisorConfig.INNER_CALLS).hasValue(3);
            });
  }

  /** Public: the proxy is generated in the filtered class loader, another runtime package. */
  public static class MonoMethod {
    @Guarded("reactive-backend")
    public Mono<String> call() {
      return Mono.just("x");
    }
  }

  static class ParallelFluxMethod {
    @Guarded("reactive-backend")
    public ParallelFlux<String> call() {
      return Flux.just("x").parallel();
    }
  }

  static class HedgedMonoMethod {
    @Guarded("hedged")
    public Mono<String> call() {
      return Mono.just("x");
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class MonoConfig {
    @Bean
    MonoMethod monoMethod() {
      return new MonoMethod();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class ParallelFluxConfig {
    @Bean
    ParallelFluxMethod parallelFluxMethod() {
      return new ParallelFluxMethod();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class HedgedConfig {
    @Bean
    HedgedMonoMethod hedgedMonoMethod() {
      return new HedgedMonoMethod();
    }
  }

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ReliabilityPolicyAutoConfiguration.class))
          .withPropertyValues("reliability.policies.reactive-backend.retry.max-retries=2");

  @Test
  void withReliabilityReactorAMonoMethodStarts() {
    runner
        .withUserConfiguration(MonoConfig.class)
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void withoutReliabilityReactorAMonoMethodFailsTheStartNamingTheArtifact() {
    runner
        .withClassLoader(new FilteredClassLoader(PolicyOperator.class))
        .withUserConfiguration(MonoConfig.class)
        .run(
            context ->
                assertThat(
                        ReliabilityPolicyAutoConfigurationTest.rootCause(
                                context.getStartupFailure(), ConfigurationException.class)
                            .problems())
                    .singleElement()
                    .satisfies(
                        p ->
                            assertThat(p.describe())
                                .isEqualTo(
                                    "@Guarded on "
                                        + MonoMethod.class.getName()
                                        + ".call (bean monoMethod) must be a type guarded without"
                                        + " dev.reliability:reliability-reactor (a Mono or Flux"
                                        + " needs that dependency on the class path), was"
                                        + " \"reactor.core.publisher.Mono\" (from the method's"
                                        + " return type)")));
  }

  @Test
  void aPublisherOtherThanMonoOrFluxIsRefusedAtStart() {
    runner
        .withUserConfiguration(ParallelFluxConfig.class)
        .run(
            context ->
                assertThat(
                        ReliabilityPolicyAutoConfigurationTest.rootCause(
                                context.getStartupFailure(), ConfigurationException.class)
                            .problems())
                    .singleElement()
                    .satisfies(
                        p -> {
                          assertThat(p.value()).isEqualTo(ParallelFlux.class.getName());
                          assertThat(p.rule())
                              .isEqualTo("a Mono, a Flux or a Publisher, no other publisher type");
                        }));
  }

  @Test
  void aHedgingPolicyOnAMonoMethodIsRefusedAtStart() {
    runner
        .withPropertyValues("reliability.policies.hedged.hedge.enabled=true")
        .withUserConfiguration(HedgedConfig.class)
        .run(
            context ->
                assertThat(
                        ReliabilityPolicyAutoConfigurationTest.rootCause(
                                context.getStartupFailure(), ConfigurationException.class)
                            .problems())
                    .singleElement()
                    .satisfies(
                        p -> {
                          assertThat(p.value()).isEqualTo("hedged");
                          assertThat(p.rule()).contains("without hedging or chaos strategies");
                        }));
  }
}
