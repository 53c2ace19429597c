package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PolicyListenerTest {

  private final ManualScheduler scheduler = ManualScheduler.create();

  @Test
  void reportsEveryStepOfACallWithTheHandleFromItsStart() {
    RecordingListener listener = new RecordingListener();
    Policy policy =
        Policy.builder("orders")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .retry(
                RetryConfig.builder()
                    .jitter(Jitter.NONE)
                    .backoff(Backoff.fixed(Duration.ofMillis(100)))
                    .build())
            .scheduler(scheduler)
            .listener(listener)
            .build();
    AtomicInteger calls = new AtomicInteger();

    policy.execute(
        () -> {
          if (calls.incrementAndGet() == 1) {
            scheduler.advance(Duration.ofMillis(30));
            throw new ServiceUnavailableException("orders", "down");
          }
          return "ok";
        });

    assertThat(listener.events)
        .containsExactly(
            "start orders",
            "attempt 1 CLOSED handle-1",
            "attempt-end 1 ServiceUnavailableException 30ms",
            "retry 2 in 100ms",
            "attempt 2 CLOSED handle-1",
            "attempt-end 2 ok 0ms",
            "end SUCCESS attempts=2 handle-1");
  }

  @Test
  void aThrowingListenerDoesNotBreakTheCallOrTheOtherListeners() {
    RecordingListener recording = new RecordingListener();
    PolicyListener broken =
        new PolicyListener() {
          @Override
          public Object onCallStart(String policy) {
            throw new IllegalStateException("broken listener");
          }

          @Override
          public void onCallEnd(
              String policy,
              Object handle,
              CallOutcome outcome,
              Throwable failure,
              int attempts,
              long durationNanos) {
            throw new IllegalStateException("broken listener");
          }
        };
    Policy policy =
        Policy.builder("orders")
            .listener(PolicyListener.composite(broken, recording))
            .scheduler(scheduler)
            .build();

    assertThat(policy.execute(() -> "ok")).isEqualTo("ok");
    assertThat(policy.execute(() -> "again")).isEqualTo("again");
    assertThat(recording.matching("end"))
        .containsExactly("end SUCCESS attempts=1 handle-1", "end SUCCESS attempts=1 handle-5");

    Policy alone = Policy.builder("orders").listener(broken).scheduler(scheduler).build();
    assertThat(alone.execute(() -> "still ok")).isEqualTo("still ok");
  }

  @Test
  void compositeOfOneOrNoneIsThatListenerOrNone() {
    RecordingListener one = new RecordingListener();
    assertThat(PolicyListener.composite(one)).isSameAs(one);
    assertThat(PolicyListener.composite()).isSameAs(PolicyListener.NONE);
    assertThatThrownBy(() -> Policy.builder("x").listener(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("listener must not be null");
  }

  @Test
  void stateChangesAreLoggedWithStructuredFields() {
    Logger logger = (Logger) LoggerFactory.getLogger(Policy.class);
    ListAppender<ILoggingEvent> appender =
        new ListAppender<>() {
          @Override
          protected void append(ILoggingEvent e) {
            e.prepareForDeferredProcessing(); // the fields travel in the MDC during the call
            super.append(e);
          }
        };
    appender.start();
    logger.addAppender(appender);
    try {
      Policy policy =
          Policy.builder("ai-providers")
              .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(1).build())
              .scheduler(scheduler)
              .build();
      assertThatThrownBy(() -> policy.execute(Failures.failing()))
          .isInstanceOf(ServiceUnavailableException.class);

      ILoggingEvent event =
          appender.list.stream()
              .filter(e -> e.getFormattedMessage().startsWith("Circuit breaker"))
              .findFirst()
              .orElseThrow();
      assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
      assertThat(event.getFormattedMessage())
          .isEqualTo("Circuit breaker of policy 'ai-providers' changed from CLOSED to OPEN");
      Map<String, String> kv = event.getMDCPropertyMap();
      assertThat(kv)
          .containsEntry("event", "circuit_breaker_state_changed")
          .containsEntry("policy", "ai-providers")
          .containsEntry("from_state", "CLOSED")
          .containsEntry("state", "OPEN");
    } finally {
      logger.detachAppender(appender);
    }
  }
}
