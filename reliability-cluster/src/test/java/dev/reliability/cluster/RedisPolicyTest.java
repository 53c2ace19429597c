package dev.reliability.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reliability.cluster.testing.RedisServerProcess;
import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.policy.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Policies of two instances guarded by one fleet-wide rate limit and one fleet-wide bulkhead on a
 * real {@code redis-server}: a refusal is the local components' exception, with the bucket's retry
 * after.
 */
@Tag("redis")
class RedisPolicyTest {

  private RedisServerProcess server;
  private final List<FleetEngine> engines = new ArrayList<>();
  private final List<Policy> policies = new ArrayList<>();
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @BeforeEach
  void start() {
    server = RedisServerProcess.start();
  }

  @AfterEach
  void stop() {
    callers.shutdownNow();
    policies.forEach(Policy::close);
    engines.forEach(FleetEngine::close);
    server.close();
  }

  private FleetEngine instance(String id) {
    FleetEngine engine =
        FleetEngine.redis(server.uri())
            .name("policies")
            .instanceId(id)
            .timeout(Duration.ofMillis(500))
            .expectedInstances(2)
            .build();
    engines.add(engine);
    return engine;
  }

  private Policy policy(Policy.Builder builder) {
    Policy policy = builder.build();
    policies.add(policy);
    return policy;
  }

  @Test
  void twoInstancesSpendOneBucketAndARefusalCarriesItsRetryAfter() {
    FleetRateLimitConfig config =
        FleetRateLimitConfig.builder("partner").limit(3).period(Duration.ofMinutes(1)).build();
    Policy a = policy(Policy.builder("partner").rateLimiter(instance("a").rateLimiter(config)));
    Policy b = policy(Policy.builder("partner").rateLimiter(instance("b").rateLimiter(config)));

    assertThat(a.execute(() -> "a1")).isEqualTo("a1");
    assertThat(b.execute(() -> "b1")).isEqualTo("b1");
    assertThat(a.execute(() -> "a2")).isEqualTo("a2");

    assertThatThrownBy(() -> b.execute(() -> "b2"))
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e -> {
              assertThat(e.component()).isEqualTo("partner");
              // One token every 20 s, the last one taken just now.
              assertThat(e.retryAfter())
                  .hasValueSatisfying(
                      wait ->
                          assertThat(wait)
                              .isBetween(Duration.ofSeconds(15), Duration.ofSeconds(20)));
            });
    assertThat(engines).allSatisfy(e -> assertThat(e.status()).isEqualTo(FleetStatus.SHARED));
  }

  @Test
  void aCallInFlightOnOneInstanceFillsTheOtherInstancesBulkhead() throws Exception {
    FleetBulkheadConfig config =
        FleetBulkheadConfig.builder("legacy-db").maxConcurrentCalls(1).build();
    Policy a = policy(Policy.builder("legacy-db").bulkhead(instance("a").bulkhead(config)));
    Policy b = policy(Policy.builder("legacy-db").bulkhead(instance("b").bulkhead(config)));
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);

    CompletableFuture<String> slow =
        CompletableFuture.supplyAsync(
            () ->
                a.execute(
                    () -> {
                      inside.countDown();
                      try {
                        finish.await(10, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return "slow";
                    }),
            callers);
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> b.execute(() -> "refused")).isInstanceOf(BulkheadFullException.class);

    finish.countDown();
    assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
    // The lease is given back in the background: the other instance's call then gets in.
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptions()
        .until(() -> "admitted".equals(b.execute(() -> "admitted")));
  }
}
