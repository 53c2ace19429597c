package dev.reliability.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.context.RequestContextAccessor;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.Jitter;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyListener;
import dev.reliability.core.policy.RetryConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * The request context written into Reactor's Context reaches every attempt, its logging and the
 * policy's listener, on whatever thread the retry runs, with and without Reactor's automatic
 * context propagation.
 */
class PolicyOperatorContextTest {

  private static final Logger LOG = (Logger) LoggerFactory.getLogger("attempts");

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final List<String> seenByAttempts = new CopyOnWriteArrayList<>();
  private final List<String> threads = new CopyOnWriteArrayList<>();
  private final List<String> seenByListener = new CopyOnWriteArrayList<>();
  private final Scheduler elsewhere = Schedulers.newSingle("elsewhere");

  @AfterEach
  void cleanUp() {
    Hooks.disableAutomaticContextPropagation();
    LOG.detachAppender(logged);
    elsewhere.dispose();
  }

  private Policy retryingOnce() {
    return Policy.builder("context")
        .retry(
            RetryConfig.builder()
                .maxRetries(1)
                .backoff(Backoff.fixed(Duration.ofMillis(1)))
                .jitter(Jitter.NONE)
                .noBudget()
                .build())
        .listener(
            new PolicyListener() {
              @Override
              public void onRetry(
                  String policy, Object handle, int next, Throwable failure, long delayNanos) {
                seenByListener.add(RequestContext.currentRequestId());
              }
            })
        .build();
  }

  /** Fails its first subscription; logs and records the request ID it sees each time. */
  private Mono<String> failingOnce() {
    AtomicInteger subscriptions = new AtomicInteger();
    return Mono.fromCallable(
        () -> {
          seenByAttempts.add(RequestContext.currentRequestId());
          threads.add(Thread.currentThread().getName());
          LOG.info("attempt");
          if (subscriptions.incrementAndGet() == 1) {
            throw new ServiceUnavailableException("backend", "down");
          }
          return "ok";
        });
  }

  @ParameterizedTest(name = "automatic context propagation: {0}")
  @ValueSource(booleans = {false, true})
  void aRequestIdWrittenWithContextWriteIsSeenInsideARetriedAttemptOnAnotherThread(
      boolean automatic) {
    if (automatic) {
      Hooks.enableAutomaticContextPropagation();
    }
    logged.start();
    LOG.addAppender(logged);

    String result =
        failingOnce()
            .transformDeferred(PolicyOperator.<String>of(retryingOnce()).on(elsewhere))
            .contextWrite(Context.of(RequestContextAccessor.KEY, RequestContext.of("req-42")))
            .block(Duration.ofSeconds(10));

    assertThat(result).isEqualTo("ok");
    assertThat(seenByAttempts).containsExactly("req-42", "req-42");
    assertThat(threads.get(1)).startsWith("elsewhere");
    assertThat(logged.list)
        .extracting(e -> e.getMDCPropertyMap().get(RequestContext.REQUEST_ID_KEY))
        .containsExactly("req-42", "req-42");
    assertThat(seenByListener).containsExactly("req-42");
    // Nothing leaks into the threads afterwards.
    assertThat(RequestContext.current()).isEmpty();
    assertThat(MDC.get(RequestContext.REQUEST_ID_KEY)).isNull();
  }

  @Test
  void aRequestContextBoundOnTheSubscribingThreadIsCarriedToo() {
    String result;
    try (ContextScope scope = RequestContext.of("req-bound").bind()) {
      result =
          failingOnce()
              .transformDeferred(PolicyOperator.<String>of(retryingOnce()).on(elsewhere))
              .block(Duration.ofSeconds(10));
    }

    assertThat(result).isEqualTo("ok");
    assertThat(seenByAttempts).containsExactly("req-bound", "req-bound");
    assertThat(threads.get(1)).startsWith("elsewhere");
  }
}
