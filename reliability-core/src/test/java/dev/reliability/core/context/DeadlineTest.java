package dev.reliability.core.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadlineTest {

  private final ManualTimeSource time = ManualTimeSource.create();

  @Test
  void remainingCountsDownOnItsClockAndGoesNegativeByTheOverrun() {
    Deadline d = Deadline.after(Duration.ofMillis(300), time);

    assertThat(d.remaining()).isEqualTo(Duration.ofMillis(300));
    assertThat(d.isExpired()).isFalse();
    time.advanceMillis(300);
    assertThat(d.isExpired()).isTrue();
    time.advanceMillis(20);
    assertThat(d.remaining()).isEqualTo(Duration.ofMillis(-20));
    assertThat(d.remainingMillis()).isZero();
    assertThat(d).hasToString("Deadline[passed 20ms ago]");
  }

  @Test
  void aHugeTimeoutDoesNotOverflow() {
    Deadline d = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE), time);

    assertThat(d.isExpired()).isFalse();
    assertThat(d.remainingNanos()).isEqualTo(Long.MAX_VALUE / 4);
    assertThat(Deadline.afterMillis(Long.MAX_VALUE, time).remainingNanos())
        .isEqualTo(Long.MAX_VALUE / 4);
  }

  @Test
  void aNegativeTimeoutIsRefused() {
    assertThatThrownBy(() -> Deadline.after(Duration.ofMillis(-1), time))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void earlierPicksTheOneWithLessTimeLeft() {
    Deadline soon = Deadline.after(Duration.ofMillis(100), time);
    Deadline late = Deadline.after(Duration.ofMillis(900), time);

    assertThat(soon.earlier(late)).isSameAs(soon);
    assertThat(late.earlier(soon)).isSameAs(soon);
    assertThat(late.earlier(null)).isSameAs(late);
  }

  @Test
  void aNestedScopeMayShortenTheDeadlineButNeverExtendIt() {
    Deadline outer = Deadline.after(Duration.ofMillis(200), time);
    RequestContext c = RequestContext.of("req-1").withDeadline(outer);

    assertThat(c.withDeadline(Deadline.after(Duration.ofSeconds(5), time)).deadline())
        .containsSame(outer);
    Deadline shorter = Deadline.after(Duration.ofMillis(50), time);
    assertThat(c.withDeadline(shorter).deadline()).containsSame(shorter);
    assertThat(c.with("tenant_id", "t-1").deadline()).containsSame(outer);
    assertThat(c.withoutDeadline().deadline()).isEmpty();
  }

  @Test
  void theCurrentDeadlineIsThatOfTheBoundContext() {
    Deadline d = Deadline.after(Duration.ofMillis(200), time);
    assertThat(RequestContext.currentDeadline()).isNull();

    try (ContextScope scope = d.bind()) {
      assertThat(RequestContext.currentDeadline()).isSameAs(d);
      assertThat(RequestContext.currentRequestId()).hasSize(RequestIds.MINTED_LENGTH);
      try (ContextScope inner = RequestContext.current().orElseThrow().withoutDeadline().bind()) {
        assertThat(RequestContext.currentDeadline()).isNull();
      }
      assertThat(RequestContext.currentDeadline()).isSameAs(d);
    }
    assertThat(RequestContext.currentDeadline()).isNull();
  }

  @Test
  void theDeadlineTravelsToPoolThreadsAndAsyncStagesWithTheContext() throws Exception {
    Deadline d = Deadline.after(Duration.ofMillis(200), time);
    ExecutorService pool = ContextPropagation.wrap(Executors.newSingleThreadExecutor());
    try (ContextScope scope = RequestContext.of("req-1").withDeadline(d).bind()) {
      CompletableFuture<Deadline> seen =
          CompletableFuture.supplyAsync(RequestContext::currentDeadline, pool)
              .thenApplyAsync(
                  ContextPropagation.wrapFunction(v -> RequestContext.currentDeadline()), pool);
      assertThat(seen.get(10, TimeUnit.SECONDS)).isSameAs(d);
    } finally {
      pool.shutdownNow();
    }
  }
}
