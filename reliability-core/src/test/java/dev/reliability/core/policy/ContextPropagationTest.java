package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.ThreadLocalAccessor;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ContextPropagationTest {

  private static final ThreadLocal<String> TENANT = new ThreadLocal<>();

  private final ContextSnapshotFactory contexts =
      ContextSnapshotFactory.builder()
          .contextRegistry(
              new ContextRegistry()
                  .registerThreadLocalAccessor(new TenantAccessor())
                  .registerThreadLocalAccessor(new Slf4jThreadLocalAccessor("request_id")))
          .clearMissing(true)
          .build();
  private final ManualScheduler scheduler = ManualScheduler.create();
  private final ExecutorService policyThreads = Executors.newFixedThreadPool(2);
  private final ExecutorService remoteThreads = Executors.newFixedThreadPool(2);
  private final ExecutorService userThreads = Executors.newFixedThreadPool(2);
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    TENANT.remove();
    MDC.clear();
    TestContextAccessor.VALUE.remove();
    policyThreads.shutdownNow();
    remoteThreads.shutdownNow();
    userThreads.shutdownNow();
  }

  private void record(String where) {
    seen.add(where + ": tenant=" + TENANT.get() + " request_id=" + MDC.get("request_id"));
  }

  private static String expected(String where) {
    return where + ": tenant=acme request_id=req-1";
  }

  private void enterRequest() {
    TENANT.set("acme");
    MDC.put("request_id", "req-1");
  }

  @Test
  void aTimeLimitedCallAndItsRetriesSeeTheCallersContextOnTheExecutor() {
    Policy policy =
        Policy.builder("profile")
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(5)))
            .retry(
                RetryConfig.builder()
                    .jitter(Jitter.NONE)
                    .backoff(Backoff.fixed(Duration.ofMillis(1)))
                    .build())
            .executor(policyThreads)
            .scheduler(scheduler)
            .contextSnapshotFactory(contexts)
            .build();
    enterRequest();
    String caller = Thread.currentThread().getName();
    AtomicInteger attempts = new AtomicInteger();

    String result =
        policy.execute(
            () -> {
              assertThat(Thread.currentThread().getName()).isNotEqualTo(caller);
              record("attempt " + attempts.incrementAndGet());
              if (attempts.get() < 3) {
                throw new ServiceUnavailableException("profile", "down");
              }
              return "ok";
            },
            Fallback.value("unused"));

    assertThat(result).isEqualTo("ok");
    assertThat(seen)
        .containsExactly(expected("attempt 1"), expected("attempt 2"), expected("attempt 3"));
  }

  @Test
  void theExecutorsThreadsDoNotKeepTheContextAfterTheCall() throws Exception {
    ExecutorService single = Executors.newSingleThreadExecutor();
    try {
      Policy policy =
          Policy.builder("profile")
              .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(5)))
              .executor(single)
              .contextSnapshotFactory(contexts)
              .build();
      enterRequest();
      policy.execute(() -> TENANT.get());
      String after =
          single.submit(() -> TENANT.get() + "/" + MDC.get("request_id")).get(10, TimeUnit.SECONDS);
      assertThat(after).isEqualTo("null/null");
    } finally {
      single.shutdownNow();
    }
  }

  @Test
  void asyncRetriesFallbackAndContinuationsSeeTheCallersContextOnAnyExecutor() throws Exception {
    Policy policy =
        Policy.builder("profile")
            .retry(
                RetryConfig.builder()
                    .jitter(Jitter.NONE)
                    .backoff(Backoff.fixed(Duration.ofMillis(100)))
                    .maxRetries(2)
                    .build())
            .executor(policyThreads)
            .scheduler(scheduler)
            .contextSnapshotFactory(contexts)
            .build();
    enterRequest();
    AtomicInteger attempts = new AtomicInteger();

    CompletableFuture<String> result =
        policy.executeAsync(
            () -> {
              record("attempt " + attempts.incrementAndGet());
              // The "remote" side completes the stage on its own threads, which have no context.
              return CompletableFuture.supplyAsync(
                  () -> {
                    throw new ServiceUnavailableException("profile", "down");
                  },
                  remoteThreads);
            },
            Fallback.of(
                failure -> {
                  record("fallback");
                  return "cached";
                }));
    CompletableFuture<String> continued =
        result
            .thenApplyAsync(
                v -> {
                  record("continuation on a user executor");
                  return v;
                },
                userThreads)
            .thenApplyAsync(
                v -> {
                  record("continuation on the default executor");
                  return v;
                })
            .thenApply(
                v -> {
                  record("synchronous continuation");
                  return v;
                });
    TENANT.remove();
    MDC.clear();

    for (int i = 1; i <= 2; i++) {
      int made = i;
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> attempts.get() == made && scheduler.pendingTasks() == 1);
      scheduler.advance(Duration.ofMillis(100));
    }

    assertThat(continued.get(10, TimeUnit.SECONDS)).isEqualTo("cached");
    assertThat(seen)
        .containsExactly(
            expected("attempt 1"),
            expected("attempt 2"),
            expected("attempt 3"),
            expected("fallback"),
            expected("continuation on a user executor"),
            expected("continuation on the default executor"),
            expected("synchronous continuation"));
  }

  @Test
  void theDefaultFactoryUsesEveryAccessorRegisteredThroughServiceLoader() {
    Policy policy =
        Policy.builder("profile").timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(5))).build();
    try {
      TestContextAccessor.VALUE.set("from the global registry");
      assertThat(policy.execute(TestContextAccessor.VALUE::get))
          .isEqualTo("from the global registry");
    } finally {
      policy.close();
    }
  }

  private static final class TenantAccessor implements ThreadLocalAccessor<String> {
    @Override
    public Object key() {
      return "tenant";
    }

    @Override
    public String getValue() {
      return TENANT.get();
    }

    @Override
    public void setValue(String value) {
      TENANT.set(value);
    }

    @Override
    public void setValue() {
      TENANT.remove();
    }
  }
}
