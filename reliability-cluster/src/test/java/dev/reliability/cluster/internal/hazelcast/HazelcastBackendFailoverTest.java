package dev.reliability.cluster.internal.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import dev.reliability.cluster.testing.EmbeddedHazelcast;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The owner of a limit's partition is killed: the backups, which copied the owner's results rather
 * than re-running its operations, take over with the same leases, counts and tokens.
 */
class HazelcastBackendFailoverTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private EmbeddedHazelcast cluster;

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void leasesCountsAndTokensSurviveTheKillOfTheirPartitionOwner() throws Exception {
    cluster = EmbeddedHazelcast.start(3);
    String name = "limit-owned";
    HazelcastInstance owner = cluster.owner(name);
    HazelcastInstance survivor =
        cluster.members().stream().filter(m -> m != owner).findFirst().orElseThrow();
    HazelcastBackend before = new HazelcastBackend(owner);
    HazelcastBackend after = new HazelcastBackend(survivor);
    BucketConfiguration config =
        BucketConfiguration.builder()
            .addLimit(l -> l.capacity(50).refillGreedy(50, Duration.ofHours(1)))
            .build();
    AsyncBucketProxy bucket = before.buckets().builder().build(name, config);
    for (int i = 0; i < 3; i++) {
      assertThat(get(before.acquireLease(name, "lease-" + i, 5, 60_000))).isTrue();
    }
    get(before.addCounts(name, 9, 40, 4, 3, 60_000));
    assertThat(get(bucket.tryConsume(30))).isTrue();

    owner.getLifecycleService().terminate();
    await().atMost(WAIT).until(() -> survivor.getCluster().getMembers().size() == 2);
    assertThat(cluster.owner(name)).isNotSameAs(owner);

    assertThat(get(after.leasesHeld(name))).isEqualTo(3);
    assertThat(get(after.addCounts(name, 9, 0, 0, 3, 60_000))).containsExactly(40, 4);
    AsyncBucketProxy moved = after.buckets().builder().build(name, config);
    assertThat(get(moved.getAvailableTokens())).isBetween(20L, 21L);
    assertThat(get(after.acquireLease(name, "lease-3", 5, 60_000))).isTrue();
    assertThat(get(after.acquireLease(name, "lease-4", 5, 60_000))).isTrue();
    assertThat(get(after.acquireLease(name, "lease-5", 5, 60_000))).isFalse();
  }
}
