package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedPolicyTest {

  private static final Duration WAIT_IN_OPEN = Duration.ofSeconds(60);
  private static final Duration IDLE = Duration.ofSeconds(10);

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<KeyedPolicy> built = new ArrayList<>();

  /** A breaker that opens after three failures in a row and waits a minute. */
  private static PolicyConfig breakerTemplate() {
    return PolicyConfig.builder()
        .circuitBreaker(
            CircuitBreakerConfig.builder().failureThreshold(3).waitInOpen(WAIT_IN_OPEN).build())
        .build();
  }

  private KeyedPolicy keyed(PolicyConfig template, KeyedPolicyConfig config) {
    KeyedPolicy k =
        KeyedPolicy.builder("downstream")
            .template(template)
            .config(config)
            .scheduler(scheduler)
            .build();
    k.addListener(
        new KeyedPolicy.Listener() {
          @Override
          public void onAdded(String key, Policy policy) {
            events.add("added " + key);
          }

          @Override
          public void onRemoved(String key, Policy policy) {
            events.add("removed " + key);
          }
        });
    built.add(k);
    return k;
  }

  private KeyedPolicy keyed(KeyedPolicyConfig config) {
    return keyed(breakerTemplate(), config);
  }

  private static void trip(KeyedPolicy keyed, String key) {
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> keyed.execute(key, Failures.failing()))
          .isInstanceOf(ServiceUnavailableException.class);
    }
    assertThat(keyed.find(key).flatMap(Policy::circuitBreaker).map(CircuitBreaker::state))
        .contains(CircuitState.OPEN);
  }

  @AfterEach
  void closeAll() {
    built.forEach(KeyedPolicy::close);
  }

  @Test
  void eachKeyGetsItsOwnPolicyNamedAfterTheKeyedPolicy() {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.ofDefaults());
    Policy a = keyed.policy("a.example.com");
    Policy b = keyed.policy("b.example.com:8443");

    assertThat(a).isNotSameAs(b);
    assertThat(keyed.policy("a.example.com")).isSameAs(a);
    assertThat(a.name()).isEqualTo("downstream");
    assertThat(a.config().circuitBreaker()).isPresent();
    assertThat(keyed.keys()).containsExactlyInAnyOrder("a.example.com", "b.example.com:8443");
    assertThat(keyed.size()).isEqualTo(2);
    assertThat(keyed.find("c.example.com")).isEmpty();
    assertThat(events).containsExactly("added a.example.com", "added b.example.com:8443");
  }

  @Test
  void manyKeysBeyondTheMaximumAreEvictedAndClosedByCount() {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.builder().maxKeys(10).build());
    for (int i = 0; i < 1_000; i++) {
      assertThat(keyed.execute("tenant-" + i, () -> "ok")).isEqualTo("ok");
      assertThat(keyed.size()).isLessThanOrEqualTo(10);
    }
    keyed.cleanUp();

    assertThat(keyed.size()).isEqualTo(10);
    assertThat(keyed.evictions()).isEqualTo(990);
    assertThat(events.stream().filter(e -> e.startsWith("added"))).hasSize(1_000);
    assertThat(events.stream().filter(e -> e.startsWith("removed"))).hasSize(990);
  }

  @Test
  void aKeyIdleLongerThanTheTimeoutIsEvictedAndAUsedOneIsKept() {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.builder().idleTimeout(IDLE).build());
    keyed.execute("used", () -> 1);
    keyed.execute("idle", () -> 1);

    scheduler.advance(Duration.ofSeconds(6));
    keyed.execute("used", () -> 2);
    scheduler.advance(Duration.ofSeconds(6));
    keyed.cleanUp();

    assertThat(keyed.keys()).containsExactly("used");
    assertThat(keyed.evictions()).isEqualTo(1);
    assertThat(events).containsExactly("added used", "added idle", "removed idle");

    Policy before = keyed.find("used").orElseThrow();
    scheduler.advance(IDLE.plusSeconds(1));
    keyed.cleanUp();
    assertThat(keyed.size()).isZero();
    assertThat(keyed.policy("used")).isNotSameAs(before);
  }

  @Test
  void anOpenBreakerEvictedForIdlenessComesBackOpenForTheRestOfItsWait() {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.builder().idleTimeout(IDLE).build());
    trip(keyed, "down.example.com");
    Policy open = keyed.find("down.example.com").orElseThrow();

    scheduler.advance(IDLE.plusSeconds(1));
    keyed.cleanUp();
    assertThat(keyed.parkedSize()).isEqualTo(1);
    assertThat(keyed.evictions()).isZero();
    assertThat(events).doesNotContain("removed down.example.com");

    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> keyed.execute("down.example.com", calls::incrementAndGet))
        .isInstanceOfSatisfying(
            CircuitOpenException.class,
            e -> assertThat(e.retryAfter()).contains(WAIT_IN_OPEN.minus(IDLE.plusSeconds(1))));
    assertThat(calls).hasValue(0);
    assertThat(keyed.find("down.example.com")).containsSame(open);
    assertThat(keyed.parkedSize()).isZero();

    // Once the wait is over, trial calls go through, as they would have without the eviction.
    scheduler.advance(WAIT_IN_OPEN);
    assertThat(keyed.execute("down.example.com", calls::incrementAndGet)).isEqualTo(1);
    assertThat(open.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.HALF_OPEN);
  }

  @Test
  void anOpenBreakerWhoseKeyExpiredIsStillOpenWhenUsedBeforeAnyHousekeeping() {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.builder().idleTimeout(IDLE).build());
    trip(keyed, "down");
    Policy open = keyed.find("down").orElseThrow();
    scheduler.advance(IDLE.plusSeconds(1));

    // No cleanUp: the lookup itself finds the entry expired, parks it and takes it back.
    assertThatThrownBy(() -> keyed.execute("down", () -> "ok"))
        .isInstanceOf(CircuitOpenException.class);
    assertThat(keyed.find("down")).containsSame(open);
    assertThat(keyed.evictions()).isZero();
  }

  @Test
  void anOpenBreakerPushedOutByCountStaysOpen() {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.builder().maxKeys(2).build());
    trip(keyed, "down");
    // Busier keys take its place (the cache keeps the most used ones).
    for (int i = 0; i < 50 && keyed.parkedSize() == 0; i++) {
      for (int n = 0; n < 10; n++) {
        keyed.execute("busy-" + i, () -> "ok");
      }
    }
    assertThat(keyed.parkedSize()).isEqualTo(1);

    assertThatThrownBy(() -> keyed.execute("down", () -> "ok"))
        .isInstanceOf(CircuitOpenException.class);
  }

  @Test
  void aParkedBreakerIsDroppedAfterTheRestOfItsWaitAndTheIdleTimeout() {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.builder().idleTimeout(IDLE).build());
    trip(keyed, "down");
    scheduler.advance(IDLE.plusSeconds(1));
    keyed.cleanUp();
    assertThat(keyed.parkedSize()).isEqualTo(1);

    // Rest of the wait (49 s) plus the idle time-out (10 s): still parked one second before.
    scheduler.advance(Duration.ofSeconds(58));
    keyed.cleanUp();
    assertThat(keyed.parkedSize()).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(2));
    keyed.cleanUp();

    assertThat(keyed.size()).isZero();
    assertThat(keyed.evictions()).isEqualTo(1);
    assertThat(events).containsExactly("added down", "removed down");
    assertThat(keyed.policy("down").circuitBreaker().orElseThrow().state())
        .isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void aForcedOpenBreakerStaysParkedWhateverTheTime() {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.builder().idleTimeout(IDLE).build());
    keyed.policy("maintenance").circuitBreaker().orElseThrow().forceOpen();
    scheduler.advance(Duration.ofDays(7));
    keyed.cleanUp();

    assertThat(keyed.parkedSize()).isEqualTo(1);
    assertThatThrownBy(() -> keyed.execute("maintenance", () -> "ok"))
        .isInstanceOf(CircuitOpenException.class);
  }

  @Test
  void theSideTableOfOpenBreakersIsBoundedByMaxKeys() {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.builder().maxKeys(2).idleTimeout(IDLE).build());
    for (String key : List.of("a", "b", "c")) {
      trip(keyed, key);
      scheduler.advance(IDLE.plusSeconds(1));
      keyed.cleanUp();
    }

    assertThat(keyed.parkedSize()).isEqualTo(2);
    assertThat(keyed.size()).isEqualTo(2);
    assertThat(keyed.evictions()).isEqualTo(1);
    assertThat(events.stream().filter(e -> e.startsWith("removed"))).hasSize(1);
  }

  @Test
  void aCallInFlightWhenItsPolicyIsEvictedFinishesNormally() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      // An owned executor (each policy's own) is shut down when the policy is closed; the retry's
      // second attempt needs it after the eviction.
      PolicyConfig template =
          PolicyConfig.builder()
              .retry(
                  RetryConfig.builder()
                      .maxRetries(1)
                      .backoff(Backoff.fixed(Duration.ofMillis(1)))
                      .build())
              .timeLimiter(TimeLimiterConfig.of(Duration.ofHours(1)))
              .build();
      KeyedPolicy keyed =
          keyed(template, KeyedPolicyConfig.builder().idleTimeout(Duration.ofSeconds(1)).build());
      AtomicInteger attempts = new AtomicInteger();
      String result =
          keyed.execute(
              "tenant",
              () -> {
                if (attempts.incrementAndGet() == 1) {
                  // While the call is in flight, the key goes idle and is evicted.
                  scheduler.advance(Duration.ofSeconds(2));
                  Future<?> evict = pool.submit(keyed::cleanUp);
                  try {
                    evict.get(10, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                  assertThat(keyed.find("tenant")).isEmpty();
                  throw new ServiceUnavailableException("downstream", "down", null);
                }
                return "second attempt";
              });

      assertThat(result).isEqualTo("second attempt");
      assertThat(attempts).hasValue(2);
      assertThat(events).containsExactly("added tenant", "removed tenant");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anAsynchronousCallHoldsItsPolicyUntilItsFutureCompletes() {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.builder().idleTimeout(IDLE).build());
    CompletableFuture<String> pending = new CompletableFuture<>();
    CompletableFuture<String> result = keyed.executeAsync("tenant", () -> pending);
    scheduler.advance(IDLE.plusSeconds(1));
    keyed.cleanUp();
    assertThat(events).containsExactly("added tenant", "removed tenant");

    pending.complete("late");
    assertThat(result).isCompletedWithValue("late");
  }

  @Test
  void oneFailingKeyOpensItsBreakerWhileOtherKeysFlowInEveryShape() throws Exception {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.ofDefaults());
    for (int i = 0; i < 3; i++) {
      CompletableFuture<String> failed =
          keyed.executeAsync(
              "bad",
              () ->
                  CompletableFuture.failedFuture(
                      new ServiceUnavailableException("bad", "down", null)));
      assertThat(failed).isCompletedExceptionally();
    }

    assertThat(keyed.executeAsync("bad", () -> CompletableFuture.completedFuture("x")))
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(CircuitOpenException.class);
    assertThatThrownBy(() -> keyed.call("bad", () -> "x")).isInstanceOf(CircuitOpenException.class);
    assertThatThrownBy(() -> keyed.run("bad", () -> {})).isInstanceOf(CircuitOpenException.class);

    AtomicInteger ran = new AtomicInteger();
    assertThat(keyed.execute("good", () -> "a")).isEqualTo("a");
    assertThat(keyed.call("good", () -> "b")).isEqualTo("b");
    keyed.run("good", ran::incrementAndGet);
    assertThat(keyed.executeAsync("good", () -> CompletableFuture.completedFuture("c")))
        .isCompletedWithValue("c");
    assertThat(ran).hasValue(1);
    assertThat(keyed.policy("good").circuitBreaker().orElseThrow().state())
        .isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void concurrentFirstUsesOfOneKeyBuildExactlyOnePolicy() throws Exception {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.ofDefaults());
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 20; round++) {
        String key = "key-" + round;
        CountDownLatch start = new CountDownLatch(1);
        Set<Policy> seen = ConcurrentHashMap.newKeySet();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    seen.add(keyed.policy(key));
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertThat(seen).hasSize(1);
        assertThat(events.stream().filter(e -> e.equals("added " + key))).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badKeysAreRefusedWithAShortMessage() {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.ofDefaults());
    assertThatThrownBy(() -> keyed.policy(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must be 1 to 128 characters without control characters, was \"\"");
    assertThatThrownBy(() -> keyed.execute("evil\r\nSet-Cookie: x", () -> "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "key must be 1 to 128 characters without control characters, was"
                + " \"evil\\u000d\\u000aSet-Cookie: x\"");
    assertThatThrownBy(() -> keyed.policy(null)).isInstanceOf(NullPointerException.class);

    String huge = "a".repeat(64 * 1024);
    long start = System.nanoTime();
    for (int i = 0; i < 1_000; i++) {
      assertThatThrownBy(() -> keyed.policy(huge))
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(
              e ->
                  assertThat(e.getMessage()).hasSizeLessThan(400).endsWith("(65536 characters)\""));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(keyed.size()).isZero();
    assertThat(events).isEmpty();
  }

  @Test
  void aClosedKeyedPolicyClosesItsPoliciesAndRefusesKeys() {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.ofDefaults());
    keyed.policy("a");
    keyed.close();

    assertThat(events).containsExactly("added a", "removed a");
    assertThat(keyed.size()).isZero();
    assertThatThrownBy(() -> keyed.policy("a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the keyed policy downstream is closed");
  }

  @Test
  void aThrowingListenerDoesNotBreakTheKeyedPolicy() {
    KeyedPolicy keyed = keyed(KeyedPolicyConfig.builder().maxKeys(1).build());
    keyed.addListener(
        new KeyedPolicy.Listener() {
          @Override
          public void onAdded(String key, Policy policy) {
            throw new IllegalStateException("listener failed");
          }

          @Override
          public void onRemoved(String key, Policy policy) {
            throw new IllegalStateException("listener failed");
          }
        });
    assertThat(keyed.execute("a", () -> 1)).isEqualTo(1);
    assertThat(keyed.execute("b", () -> 2)).isEqualTo(2);
    keyed.cleanUp();
    assertThat(keyed.size()).isEqualTo(1);
    assertThat(keyed.evictions()).isEqualTo(1);
  }
}
