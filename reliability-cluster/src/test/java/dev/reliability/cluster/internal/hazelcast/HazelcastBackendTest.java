package dev.reliability.cluster.internal.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.cluster.testing.EmbeddedHazelcast;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link HazelcastBackend} against three real embedded members on loopback (one cluster for the
 * class) and one client: leases, counters and buckets hold fleet-wide whichever member a caller
 * talks to.
 */
class HazelcastBackendTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static EmbeddedHazelcast cluster;
  private static List<HazelcastBackend> backends;
  private static HazelcastBackend client;

  @BeforeAll
  static void startCluster() {
    cluster = EmbeddedHazelcast.start(3);
    backends = cluster.members().stream().map(HazelcastBackend::new).toList();
    client = new HazelcastBackend(cluster.newClient());
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  private static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void leasesNeverExceedMaxUnderConcurrentAcquiresFromEveryMember() throws Exception {
    String limit = unique("bulkhead");
    int max = 4;
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    AtomicInteger granted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<HazelcastBackend> callers = new ArrayList<>(backends);
    callers.add(client);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        HazelcastBackend backend = callers.get(t % callers.size());
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 40; i++) {
                    String lease = UUID.randomUUID().toString();
                    if (get(backend.acquireLease(limit, lease, max, 60_000))) {
                      // Counted after the grant and uncounted before the release: never above
                      // the engine's own count, which must never pass max.
                      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                      granted.incrementAndGet();
                      inFlight.decrementAndGet();
                      get(backend.releaseLease(limit, lease));
                    } else {
                      refused.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(peak.get()).isBetween(1, max);
    assertThat(granted.get() + refused.get()).isEqualTo(8 * 40);
    assertThat(get(backends.get(0).leasesHeld(limit))).isZero();
  }

  @Test
  void exactlyMaxLeasesAreGrantedToConcurrentCallersOnDifferentMembers() throws Exception {
    String limit = unique("bulkhead");
    List<CompletableFuture<Boolean>> attempts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      HazelcastBackend backend = i % 4 == 3 ? client : backends.get(i % 3);
      attempts.add(backend.acquireLease(limit, "lease-" + i, 7, 60_000));
    }
    long granted = 0;
    for (CompletableFuture<Boolean> attempt : attempts) {
      granted += get(attempt) ? 1 : 0;
    }
    assertThat(granted).isEqualTo(7);
    assertThat(get(client.leasesHeld(limit))).isEqualTo(7);
  }

  @Test
  void aRetriedAcquireOfTheSameLeaseTakesOnePermit() throws Exception {
    String limit = unique("bulkhead");
    assertThat(get(backends.get(0).acquireLease(limit, "a", 2, 60_000))).isTrue();
    assertThat(get(backends.get(1).acquireLease(limit, "a", 2, 60_000))).isTrue();
    assertThat(get(backends.get(2).leasesHeld(limit))).isEqualTo(1);
    assertThat(get(backends.get(2).acquireLease(limit, "b", 2, 60_000))).isTrue();
    assertThat(get(backends.get(0).acquireLease(limit, "c", 2, 60_000))).isFalse();
  }

  @Test
  void aReleasedLeaseFreesItsPermitAndAnUnknownReleaseChangesNothing() throws Exception {
    String limit = unique("bulkhead");
    assertThat(get(backends.get(0).acquireLease(limit, "a", 1, 60_000))).isTrue();
    assertThat(get(backends.get(1).acquireLease(limit, "b", 1, 60_000))).isFalse();
    get(backends.get(2).releaseLease(limit, "unknown"));
    assertThat(get(backends.get(1).acquireLease(limit, "b", 1, 60_000))).isFalse();
    get(client.releaseLease(limit, "a"));
    assertThat(get(backends.get(1).acquireLease(limit, "b", 1, 60_000))).isTrue();
    assertThat(get(backends.get(0).leasesHeld(limit))).isEqualTo(1);
  }

  @Test
  void aLeaseExpiresAfterItsTtlAndItsPermitComesBack() throws Exception {
    String limit = unique("bulkhead");
    assertThat(get(backends.get(0).acquireLease(limit, "crashed", 2, 300))).isTrue();
    assertThat(get(backends.get(1).acquireLease(limit, "alive", 2, 60_000))).isTrue();
    // The member's clock must pass the short lease's expiry: a real wait, polled.
    await().atMost(WAIT).until(() -> get(client.leasesHeld(limit)) == 1);
    assertThat(get(backends.get(2).acquireLease(limit, "next", 2, 60_000))).isTrue();
    assertThat(get(backends.get(2).acquireLease(limit, "over", 2, 60_000))).isFalse();
  }

  @Test
  void aRenewedLeaseOutlivesItsFirstTtl() throws Exception {
    String limit = unique("bulkhead");
    assertThat(get(backends.get(0).acquireLease(limit, "renewed", 3, 300))).isTrue();
    assertThat(get(backends.get(0).acquireLease(limit, "dropped", 3, 300))).isTrue();
    get(backends.get(1).renewLeases(limit, List.of("renewed", "unknown"), 60_000));
    await().atMost(WAIT).until(() -> get(backends.get(2).leasesHeld(limit)) == 1);
    // "renewed" is still held: releasing it frees the last lease.
    get(backends.get(2).releaseLease(limit, "renewed"));
    assertThat(get(client.leasesHeld(limit))).isZero();
  }

  @Test
  void anExpiredLeaseCannotBeRenewedBack() throws Exception {
    String limit = unique("bulkhead");
    assertThat(get(backends.get(0).acquireLease(limit, "late", 1, 200))).isTrue();
    await().atMost(WAIT).until(() -> get(backends.get(1).leasesHeld(limit)) == 0);
    get(backends.get(0).renewLeases(limit, List.of("late"), 60_000));
    assertThat(get(backends.get(1).leasesHeld(limit))).isZero();
  }

  @Test
  void countersSumEveryMembersCountsOverTheWindowOnly() throws Exception {
    String budget = unique("budget");
    get(backends.get(0).addCounts(budget, 100, 10, 1, 3, 60_000));
    get(backends.get(1).addCounts(budget, 101, 20, 2, 3, 60_000));
    get(client.addCounts(budget, 102, 30, 3, 3, 60_000));
    assertThat(get(backends.get(2).addCounts(budget, 102, 5, 0, 3, 60_000))).containsExactly(65, 6);
    // Slice 103's window is 101..103: slice 100 drops out.
    assertThat(get(backends.get(0).addCounts(budget, 103, 0, 0, 3, 60_000))).containsExactly(55, 5);
  }

  @Test
  void concurrentCountsFromEveryMemberAreNeitherLostNorDoubled() throws Exception {
    String budget = unique("budget");
    List<CompletableFuture<long[]>> adds = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      HazelcastBackend backend = i % 4 == 3 ? client : backends.get(i % 3);
      adds.add(backend.addCounts(budget, 7, 2, 1, 5, 60_000));
    }
    for (CompletableFuture<long[]> add : adds) {
      get(add);
    }
    assertThat(get(backends.get(0).addCounts(budget, 7, 0, 0, 5, 60_000))).containsExactly(120, 60);
  }

  @Test
  void aWindowOfAThousandSlicesCountsEverySlice() throws Exception {
    // FleetRetryBudgetConfig allows windows of up to 1,000 slices (window / sync interval).
    String budget = unique("budget");
    List<CompletableFuture<long[]>> adds = new ArrayList<>();
    for (int slice = 0; slice < 1_000; slice++) {
      adds.add(backends.get(slice % 3).addCounts(budget, slice, 1, 0, 1_000, 600_000));
    }
    for (CompletableFuture<long[]> add : adds) {
      get(add);
    }
    assertThat(get(client.addCounts(budget, 999, 0, 1, 1_000, 600_000))).containsExactly(1_000, 1);
  }

  @Test
  void aSliceExpiresAfterItsTtl() throws Exception {
    String budget = unique("budget");
    get(backends.get(0).addCounts(budget, 1, 10, 5, 10, 300));
    get(backends.get(1).addCounts(budget, 2, 1, 1, 10, 60_000));
    await()
        .atMost(WAIT)
        .until(() -> get(backends.get(2).addCounts(budget, 2, 0, 0, 10, 60_000))[0] == 1);
    assertThat(get(client.addCounts(budget, 2, 0, 0, 10, 60_000))).containsExactly(1, 1);
  }

  @Test
  void theBucketLimitHoldsAcrossMembersAndClients() throws Exception {
    String name = unique("limit");
    Supplier<CompletableFuture<BucketConfiguration>> config =
        () ->
            CompletableFuture.completedFuture(
                BucketConfiguration.builder()
                    .addLimit(l -> l.capacity(50).refillGreedy(50, Duration.ofHours(1)))
                    .build());
    List<AsyncBucketProxy> buckets = new ArrayList<>();
    for (HazelcastBackend backend : backends) {
      buckets.add(backend.buckets().builder().build(name, config));
    }
    buckets.add(client.buckets().builder().build(name, config));
    List<CompletableFuture<Boolean>> tries = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      tries.add(buckets.get(i % buckets.size()).tryConsume(1));
    }
    long admitted = 0;
    for (CompletableFuture<Boolean> attempt : tries) {
      admitted += get(attempt) ? 1 : 0;
    }
    assertThat(admitted).isEqualTo(50);
  }

  @Test
  void anInstanceThatIsShutDownFailsEveryFutureAndThrowsNothing() {
    HazelcastBackend closed = new HazelcastBackend(cluster.newClient());
    closed.close(); // leaves the instance to its owner...
    closed.instance().shutdown(); // ...who shuts it down
    List<CompletableFuture<?>> calls =
        List.of(
            closed.acquireLease("gone", "a", 1, 1_000),
            closed.renewLeases("gone", List.of("a"), 1_000),
            closed.releaseLease("gone", "a"),
            closed.leasesHeld("gone"),
            closed.addCounts("gone", 1, 1, 0, 1, 1_000),
            closed.ping());
    for (CompletableFuture<?> call : calls) {
      assertThat(call).failsWithin(WAIT);
    }
  }

  @Test
  void pingAnswersFromMembersAndClients() throws Exception {
    get(backends.get(1).ping());
    get(client.ping());
    assertThat(client.engine()).isEqualTo("hazelcast");
  }

  /**
   * Hazelcast's asynchronous calls complete on its default asynchronous executor, which on a
   * machine of 2 cores or fewer starts a thread per stage (about 1 ms per acquire); every call of
   * the backend, Bucket4j's included, runs Hazelcast's synchronous call on the backend's own pool.
   */
  @Test
  void everyCallRunsOnTheBackendsOwnPool() throws Exception {
    HazelcastBackend backend = new HazelcastBackend(cluster.members().get(0));
    try {
      String limit = unique("pooled");
      AsyncBucketProxy bucket =
          backend
              .buckets()
              .builder()
              .build(
                  limit,
                  () ->
                      CompletableFuture.completedFuture(
                          BucketConfiguration.builder()
                              .addLimit(l -> l.capacity(5).refillGreedy(5, Duration.ofHours(1)))
                              .build()));
      assertThat(get(bucket.tryConsume(1))).isTrue();
      assertThat(get(backend.acquireLease(limit, "a", 1, 60_000))).isTrue();
      get(backend.renewLeases(limit, List.of("a"), 60_000));
      assertThat(get(backend.leasesHeld(limit))).isEqualTo(1);
      get(backend.releaseLease(limit, "a"));
      get(backend.addCounts(limit, 1, 1, 0, 1, 60_000));
      get(backend.ping());
      await().atMost(WAIT).until(() -> backend.pooledCalls() >= 7);
    } finally {
      backend.close();
    }
    assertThat(backend.ping()).failsWithin(WAIT);
  }

  @Test
  void anErrorInACallFailsThatCallAndThePoolGoesOn() throws Exception {
    HazelcastBackend backend = new HazelcastBackend(cluster.members().get(0));
    try {
      List<CompletableFuture<Object>> failed = new ArrayList<>();
      for (int i = 0; i < HazelcastBackend.THREADS * 2; i++) {
        failed.add(
            backend.call(
                () -> {
                  throw new StackOverflowError("engine client bug");
                }));
      }
      for (CompletableFuture<Object> call : failed) {
        assertThat(call)
            .failsWithin(WAIT)
            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .withCauseInstanceOf(StackOverflowError.class);
      }
      get(backend.ping());
    } finally {
      backend.close();
    }
  }
}
