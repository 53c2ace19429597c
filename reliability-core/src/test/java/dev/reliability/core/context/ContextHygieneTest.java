package dev.reliability.core.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ContextHygieneTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void aCleanThreadPasses() {
    assertThat(ContextHygiene.leftoversOnCurrentThread()).isEmpty();
    assertThatCode(ContextHygiene::assertCurrentThreadClean).doesNotThrowAnyException();
  }

  @Test
  void reportsABoundContextAndStrayMdcKeys() {
    ContextScope scope = RequestContext.of("leak").bind();
    MDC.put("order_id", "o-1");
    try {
      assertThat(ContextHygiene.leftoversOnCurrentThread())
          .containsExactlyInAnyOrder(
              "bound RequestContext{request_id=leak}", "MDC request_id=leak", "MDC order_id=o-1");
      assertThatThrownBy(ContextHygiene::assertCurrentThreadClean)
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("thread " + Thread.currentThread().getName() + " is not clean: ");
    } finally {
      MDC.remove("order_id");
      scope.close();
    }
  }

  @Test
  void probesEveryThreadOfAPool() throws Exception {
    ContextHygiene.assertPoolClean(pool, 2, Duration.ofSeconds(10));

    pool.submit(() -> MDC.put("user_id", "u-1")).get();

    assertThatThrownBy(() -> ContextHygiene.assertPoolClean(pool, 2, Duration.ofSeconds(10)))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("pooled threads are not clean: [pool-")
        .hasMessageContaining("[MDC user_id=u-1]");
  }

  @Test
  void saysSoWhenThePoolIsSmallerThanAsked() {
    assertThatThrownBy(() -> ContextHygiene.assertPoolClean(pool, 3, Duration.ofSeconds(1)))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith(
            "only 2 of 3 probes ran at once within 1s; is the pool smaller than 3 threads or"
                + " busy?");
  }

  @Test
  void argumentsAreChecked() {
    assertThatThrownBy(() -> ContextHygiene.assertPoolClean(pool, 0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threads must be at least 1, was 0");
    assertThatThrownBy(() -> ContextHygiene.assertPoolClean(pool, 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be longer than zero, was 0s");
  }
}
