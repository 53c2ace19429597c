package dev.reliability.core.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ContextPropagationTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ExecutorService raw = Executors.newFixedThreadPool(2);
  private final ExecutorService single = Executors.newSingleThreadExecutor();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);

  @AfterEach
  void checkHygieneAndStop() throws InterruptedException {
    ContextHygiene.assertCurrentThreadClean();
    ContextHygiene.assertPoolClean(raw, 2, WAIT);
    ContextHygiene.assertPoolClean(single, 1, WAIT);
    ContextHygiene.assertPoolClean(scheduler, 1, WAIT);
    raw.shutdownNow();
    single.shutdownNow();
    scheduler.shutdownNow();
  }

  /** What a task saw: the bound request ID and the MDC's request_id. */
  private static String seen() {
    return RequestContext.currentRequestId() + "/" + MDC.get("request_id");
  }

  @Test
  void executorServiceCarriesTheContextAndItsMdcMirror() throws Exception {
    ExecutorService pool = ContextPropagation.wrap(raw);
    try (ContextScope scope = RequestContext.of("req-pool").bind()) {
      assertThat(pool.submit(ContextPropagationTest::seen).get()).isEqualTo("req-pool/req-pool");
      assertThat(pool.invokeAll(List.of(ContextPropagationTest::seen)).get(0).get())
          .isEqualTo("req-pool/req-pool");
    }
  }

  @Test
  void plainExecutorCarriesTheContext() throws Exception {
    Executor direct = command -> new Thread(command, "plain").start();
    Executor executor = ContextPropagation.wrap(direct);
    CompletableFuture<String> result = new CompletableFuture<>();
    try (ContextScope scope = RequestContext.of("req-plain").bind()) {
      executor.execute(() -> result.complete(seen()));
    }
    assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("req-plain/req-plain");
    assertThat(ContextPropagation.wrap((Executor) raw)).isInstanceOf(ExecutorService.class);
  }

  @Test
  void contextIsCapturedAtSubmissionNotWhenAThreadPicksTheTaskUp() throws Exception {
    ExecutorService pool = ContextPropagation.wrap(single);
    CountDownLatch blocker = new CountDownLatch(1);
    pool.submit(() -> blocker.await(10, TimeUnit.SECONDS));
    java.util.concurrent.Future<String> queued;
    try (ContextScope scope = RequestContext.of("at-submit").bind()) {
      queued = pool.submit(ContextPropagationTest::seen);
    }
    try (ContextScope scope = RequestContext.of("later").bind()) {
      blocker.countDown();
      assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("at-submit/at-submit");
    }
  }

  @Test
  void aReusedPoolThreadNeverShowsAnEarlierTasksContext() throws Exception {
    ExecutorService pool = ContextPropagation.wrap(single);
    try (ContextScope scope = RequestContext.of("first").bind()) {
      assertThat(pool.submit(ContextPropagationTest::seen).get()).isEqualTo("first/first");
    }
    assertThat(pool.submit(ContextPropagationTest::seen).get()).isEqualTo("null/null");
    assertThat(single.submit(ContextPropagationTest::seen).get()).isEqualTo("null/null");
  }

  @Test
  void aTaskWithoutContextIsShieldedFromAStaleOneLeftOnThePoolThread() throws Exception {
    // A careless task on the raw pool binds and never closes.
    single.submit(() -> RequestContext.of("stale").bind()).get();
    assertThatThrownBy(() -> ContextHygiene.assertPoolClean(single, 1, WAIT))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("pooled threads are not clean: [")
        .hasMessageContaining("bound RequestContext{request_id=stale}")
        .hasMessageContaining("MDC request_id=stale");

    ExecutorService pool = ContextPropagation.wrap(single);
    assertThat(pool.submit(ContextPropagationTest::seen).get()).isEqualTo("null/null");
    try (ContextScope scope = RequestContext.of("fresh").bind()) {
      assertThat(pool.submit(ContextPropagationTest::seen).get()).isEqualTo("fresh/fresh");
    }
    // The stale binding is still there after the wrapped tasks (they restore what they found).
    assertThat(single.submit(ContextPropagationTest::seen).get()).isEqualTo("stale/stale");
    single.submit(() -> ContextStorage.popTop()).get();
  }

  @Test
  void scheduledTasksAndEveryRunOfAPeriodicTaskCarryTheContext() throws Exception {
    ScheduledExecutorService pool = ContextPropagation.wrap(scheduler);
    List<String> runs = new CopyOnWriteArrayList<>();
    CountDownLatch threeRuns = new CountDownLatch(3);
    ScheduledFuture<?> periodic;
    try (ContextScope scope = RequestContext.of("req-sched").bind()) {
      assertThat(pool.schedule(ContextPropagationTest::seen, 1, TimeUnit.MILLISECONDS).get())
          .isEqualTo("req-sched/req-sched");
      periodic =
          pool.scheduleAtFixedRate(
              () -> {
                runs.add(seen());
                threeRuns.countDown();
              },
              0,
              1,
              TimeUnit.MILLISECONDS);
    }
    assertThat(threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
    periodic.cancel(false);
    assertThat(runs).hasSizeGreaterThanOrEqualTo(3).allMatch("req-sched/req-sched"::equals);
  }

  @Test
  void wrappedTasksAndFunctionsCarryTheContextOfTheirCreation() throws Exception {
    Runnable runnable;
    java.util.concurrent.Callable<String> callable;
    List<String> seen = new CopyOnWriteArrayList<>();
    try (ContextScope scope = RequestContext.of("req-wrap").bind()) {
      runnable = ContextPropagation.wrap(() -> seen.add(seen()));
      callable = ContextPropagation.wrapCallable(ContextPropagationTest::seen);
    }
    single.submit(runnable).get();
    assertThat(single.submit(callable).get()).isEqualTo("req-wrap/req-wrap");
    assertThat(seen).containsExactly("req-wrap/req-wrap");
  }

  @Test
  void completableFutureStagesCarryTheContextThroughEveryHop() throws Exception {
    ExecutorService pool = ContextPropagation.wrap(raw);
    List<String> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<String> chain;
    CompletableFuture<Void> gate = new CompletableFuture<>();
    try (ContextScope scope = RequestContext.of("req-cf").bind()) {
      chain =
          CompletableFuture.supplyAsync(ContextPropagation.wrapSupplier(() -> seen()))
              .thenApplyAsync(
                  ContextPropagation.wrapFunction(
                      first -> {
                        seen.add(first);
                        return seen();
                      }),
                  pool)
              .thenCombine(
                  gate.thenApply(ignored -> "gate"),
                  ContextPropagation.wrapBiFunction((a, b) -> a + "|" + seen()))
              .thenApply(ContextPropagation.wrapFunction(v -> v + "|" + seen()))
              .whenComplete(
                  ContextPropagation.wrapBiConsumer((v, e) -> seen.add("done " + seen())));
    }
    // Completing the gate on an unrelated thread runs the non-async stages there.
    single.submit(() -> gate.complete(null)).get();
    CompletableFuture<Void> accepted =
        chain.thenAccept(ContextPropagation.wrapConsumer(v -> seen.add("accepted " + seen())));
    accepted.get(10, TimeUnit.SECONDS);

    assertThat(chain.get()).isEqualTo("req-cf/req-cf|req-cf/req-cf|req-cf/req-cf");
    assertThat(seen).containsExactly("req-cf/req-cf", "done req-cf/req-cf", "accepted null/null");
  }

  @Test
  void theFirstAsyncStageOnAWrappedExecutorCarriesTheCallersContext() throws Exception {
    ExecutorService pool = ContextPropagation.wrap(raw);
    try (ContextScope scope = RequestContext.of("req-first").bind()) {
      assertThat(CompletableFuture.supplyAsync(ContextPropagationTest::seen, pool).get())
          .isEqualTo("req-first/req-first");
    }
  }

  @Test
  void virtualThreadExecutorCarriesTheContextOnJava21AndLater() throws Exception {
    if (Runtime.version().feature() < 21) {
      assertThatThrownBy(ContextPropagation::newVirtualThreadPerTaskExecutor)
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessage(
              "virtual threads need Java 21 or later, running on Java "
                  + Runtime.version().feature());
      return;
    }
    ExecutorService vt = ContextPropagation.newVirtualThreadPerTaskExecutor();
    try (ContextScope scope = RequestContext.of("req-vt").bind()) {
      assertThat(vt.submit(ContextPropagationTest::seen).get()).isEqualTo("req-vt/req-vt");
      assertThat(vt.submit(() -> Thread.currentThread().toString()).get()).contains("Virtual");
    } finally {
      vt.shutdown();
    }
  }

  @Test
  void anySnapshotFromTheGlobalRegistryCarriesTheContextAsPoliciesDo() throws Exception {
    ContextSnapshotFactory factory = ContextSnapshotFactory.builder().build();
    ContextSnapshot snapshot;
    try (ContextScope scope =
        RequestContext.builder("req-policy").tenantId("acme").build().bind()) {
      snapshot = factory.captureAll();
    }
    String inside =
        single
            .submit(
                () -> {
                  try (ContextSnapshot.Scope s = snapshot.setThreadLocals()) {
                    return seen() + " tenant=" + MDC.get("tenant_id");
                  }
                })
            .get();
    assertThat(inside).isEqualTo("req-policy/req-policy tenant=acme");
    assertThat(ContextPropagation.snapshotFactory()).isNotNull();
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThatThrownBy(() -> ContextPropagation.wrap((Runnable) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("task must not be null");
    assertThatThrownBy(() -> ContextPropagation.wrap((ExecutorService) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("executor must not be null");
  }
}
