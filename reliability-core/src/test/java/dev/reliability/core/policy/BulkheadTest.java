package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.problem.ProblemDetailFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BulkheadTest {

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    threads.shutdownNow();
  }

  private CompletableFuture<String> holdPermit(Policy policy, CountDownLatch entered) {
    return CompletableFuture.supplyAsync(
        () ->
            policy.execute(
                () -> {
                  entered.countDown();
                  try {
                    release.await(10, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return "held";
                }),
        threads);
  }

  @Test
  void refusesWhenEveryPermitIsTaken() throws Exception {
    Policy policy =
        Policy.builder("reports").bulkhead(BulkheadConfig.ofMaxConcurrentCalls(2)).build();
    CountDownLatch entered = new CountDownLatch(2);
    CompletableFuture<String> a = holdPermit(policy, entered);
    CompletableFuture<String> b = holdPermit(policy, entered);
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    Bulkhead bulkhead = policy.bulkhead().orElseThrow();
    assertThat(bulkhead.availablePermits()).isZero();

    assertThatThrownBy(() -> policy.execute(() -> "third"))
        .isInstanceOfSatisfying(
            BulkheadFullException.class,
            e -> {
              assertThat(e).hasMessage("Bulkhead 'reports' is full (2 concurrent calls)");
              assertThat(e.maxConcurrentCalls()).isEqualTo(2);
              assertThat(e.details()).containsEntry("component", "reports");
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
            });
    assertThat(bulkhead.rejectedCalls()).isEqualTo(1);
    assertThat(policy.stats().calls(CallOutcome.REJECTED)).isEqualTo(1);

    release.countDown();
    assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo("held");
    assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo("held");
    assertThat(bulkhead.availablePermits()).isEqualTo(2);
    assertThat(bulkhead.resilience4j().orElseThrow().getName()).isEqualTo("reports");
  }

  @Test
  void aCallWaitsUpToTheMaximumWaitForAPermit() throws Exception {
    Policy policy =
        Policy.builder("reports")
            .bulkhead(
                BulkheadConfig.builder()
                    .maxConcurrentCalls(1)
                    .maxWait(Duration.ofSeconds(30))
                    .build())
            .build();
    CountDownLatch entered = new CountDownLatch(1);
    CompletableFuture<String> holder = holdPermit(policy, entered);
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<String> waiter =
        CompletableFuture.supplyAsync(() -> policy.execute(() -> "waited"), threads);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                policy
                            .bulkhead()
                            .orElseThrow()
                            .resilience4j()
                            .orElseThrow()
                            .getMetrics()
                            .getAvailableConcurrentCalls()
                        == 0
                    && !waiter.isDone());

    release.countDown();
    assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("waited");
    assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("held");
  }

  @Test
  void aFailedCallGivesItsPermitBack() {
    Policy policy =
        Policy.builder("reports").bulkhead(BulkheadConfig.ofMaxConcurrentCalls(1)).build();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> policy.execute(Failures.failing()))
          .isNotInstanceOf(BulkheadFullException.class);
    }
    assertThat(policy.bulkhead().orElseThrow().availablePermits()).isEqualTo(1);
  }

  @Test
  void theRejectionCarriesTheConfiguredRetryAfterHintOrNoneWhenZero() throws Exception {
    Policy hinted =
        Policy.builder("reports")
            .bulkhead(
                BulkheadConfig.builder()
                    .maxConcurrentCalls(1)
                    .retryAfter(Duration.ofMillis(2_500))
                    .build())
            .build();
    Policy unhinted =
        Policy.builder("exports")
            .bulkhead(
                BulkheadConfig.builder().maxConcurrentCalls(1).retryAfter(Duration.ZERO).build())
            .build();
    CountDownLatch entered = new CountDownLatch(2);
    CompletableFuture<String> a = holdPermit(hinted, entered);
    CompletableFuture<String> b = holdPermit(unhinted, entered);
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> hinted.execute(() -> "second"))
        .isInstanceOfSatisfying(
            BulkheadFullException.class,
            e -> {
              assertThat(e.retryAfter()).contains(Duration.ofMillis(2_500));
              assertThat(e.details()).containsEntry("retry_after_ms", 2_500L);
              assertThat(ProblemDetailFactory.ofDefaults().create(e, "req-1").retryAfterHeader())
                  .contains("3");
            });
    assertThatThrownBy(() -> unhinted.execute(() -> "second"))
        .isInstanceOfSatisfying(
            BulkheadFullException.class, e -> assertThat(e.retryAfter()).isEmpty());
    CompletableFuture<String> async =
        hinted.executeAsync(() -> CompletableFuture.completedFuture("second"));
    assertThat(async)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            BulkheadFullException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofMillis(2_500)));

    release.countDown();
    assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo("held");
    assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo("held");
  }

  @Test
  void theRetryAfterHintIsAConfigurationKey() {
    Policy policy =
        Policy.builder("reports")
            .bulkhead(BulkheadConfig.ofDefaults())
            .configSource(
                ConfigSource.environment(
                    Map.of("RELIABILITY_BULKHEAD_REPORTS_RETRY_AFTER", "250ms")))
            .build();
    assertThat(policy.config().bulkhead().orElseThrow().retryAfter())
        .isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void builderRejectsInvalidValues() {
    assertThatThrownBy(() -> BulkheadConfig.ofMaxConcurrentCalls(0))
        .hasMessage("max-concurrent-calls must be a whole number between 1 and 1000000, was 0");
    assertThatThrownBy(() -> BulkheadConfig.builder().retryAfter(Duration.ofSeconds(-1)))
        .hasMessage("retry-after must be a duration between 0s and 1d, was -1s");
    assertThat(BulkheadConfig.ofDefaults())
        .hasToString("BulkheadConfig[maxConcurrentCalls=25, maxWait=0s, retryAfter=1s]");
  }
}
