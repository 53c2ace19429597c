package dev.reliability.cluster.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reliability.cluster.testing.RedisServerProcess;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Redis backend's operations against a real {@code redis-server} on a loopback port. */
@Tag("redis")
class RedisBackendTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private static RedisServerProcess server;
  private final List<RedisBackend> backends = new ArrayList<>();

  @BeforeAll
  static void startServer() {
    server = RedisServerProcess.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void emptyServer() {
    server.command("FLUSHALL");
    server.command("SCRIPT", "FLUSH");
  }

  @AfterEach
  void closeBackends() {
    backends.forEach(RedisBackend::close);
  }

  private RedisBackend backend() {
    RedisBackend backend = RedisBackend.create(server.uri());
    backends.add(backend);
    return backend;
  }

  private static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void concurrentAcquiresFromTwoInstancesTakeExactlyMaxLeases() throws Exception {
    RedisBackend a = backend();
    RedisBackend b = backend();
    List<CompletableFuture<Boolean>> attempts = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      RedisBackend on = i % 2 == 0 ? a : b;
      attempts.add(on.acquireLease("db", "lease-" + i, 7, 60_000));
    }
    long taken = 0;
    for (CompletableFuture<Boolean> attempt : attempts) {
      if (get(attempt)) {
        taken++;
      }
    }
    assertThat(taken).isEqualTo(7);
    assertThat(get(a.leasesHeld("db"))).isEqualTo(7);
  }

  @Test
  void leasesHeldUnderChurnNeverExceedMax() throws Exception {
    RedisBackend a = backend();
    RedisBackend b = backend();
    int max = 3;
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger highest = new AtomicInteger();
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(6);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < 6; w++) {
      RedisBackend on = w % 2 == 0 ? a : b;
      int worker = w;
      done.add(
          workers.submit(
              () -> {
                go.await();
                for (int i = 0; i < 150; i++) {
                  String id = worker + "-" + i;
                  if (get(on.acquireLease("churn", id, max, 60_000))) {
                    int now = inFlight.incrementAndGet();
                    highest.accumulateAndGet(now, Math::max);
                    admitted.incrementAndGet();
                    inFlight.decrementAndGet();
                    get(on.releaseLease("churn", id));
                  }
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    workers.shutdown();
    assertThat(highest.get()).isLessThanOrEqualTo(max);
    assertThat(admitted.get()).isGreaterThan(max);
    assertThat(get(a.leasesHeld("churn"))).isZero();
  }

  @Test
  void leaseExpiryIsScoredByServerTime() throws Exception {
    RedisBackend backend = backend();
    assertThat(get(backend.acquireLease("db", "a", 1, 30_000))).isTrue();

    @SuppressWarnings("unchecked")
    List<Object> time = (List<Object>) server.command("TIME");
    long serverNow =
        Long.parseLong((String) time.get(0)) * 1000 + Long.parseLong((String) time.get(1)) / 1000;
    long expiry =
        (long)
            Double.parseDouble((String) server.command("ZSCORE", RedisBackend.leaseKey("db"), "a"));
    assertThat(expiry).isBetween(serverNow + 30_000 - 2_000, serverNow + 30_000);
    Long keyTtl = (Long) server.command("PTTL", RedisBackend.leaseKey("db"));
    assertThat(keyTtl).isBetween(1L, 30_001L);
  }

  @Test
  void anExpiredLeaseFreesItsPermit() throws Exception {
    RedisBackend backend = backend();
    assertThat(get(backend.acquireLease("db", "crashed", 1, 150))).isTrue();
    assertThat(get(backend.acquireLease("db", "waiting", 1, 60_000))).isFalse();

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(25))
        .until(() -> get(backend.leasesHeld("db")) == 0);
    assertThat(get(backend.acquireLease("db", "waiting", 1, 60_000))).isTrue();
    assertThat(get(backend.leasesHeld("db"))).isEqualTo(1);
  }

  @Test
  void renewExtendsOnlyLeasesThatStillExist() throws Exception {
    RedisBackend backend = backend();
    assertThat(get(backend.acquireLease("db", "live", 5, 1_000))).isTrue();

    get(backend.renewLeases("db", List.of("live", "unknown"), 120_000));

    long expiry =
        (long)
            Double.parseDouble(
                (String) server.command("ZSCORE", RedisBackend.leaseKey("db"), "live"));
    long floor = System.currentTimeMillis() + 100_000;
    assertThat(expiry).isGreaterThan(floor);
    assertThat(server.command("ZSCORE", RedisBackend.leaseKey("db"), "unknown")).isNull();
    assertThat(get(backend.leasesHeld("db"))).isEqualTo(1);
    assertThat((Long) server.command("PTTL", RedisBackend.leaseKey("db"))).isGreaterThan(100_000L);
  }

  @Test
  void releaseGivesThePermitBackAndIgnoresUnknownLeases() throws Exception {
    RedisBackend backend = backend();
    assertThat(get(backend.acquireLease("db", "a", 1, 60_000))).isTrue();
    assertThat(get(backend.acquireLease("db", "b", 1, 60_000))).isFalse();

    get(backend.releaseLease("db", "unknown"));
    assertThat(get(backend.acquireLease("db", "b", 1, 60_000))).isFalse();
    get(backend.releaseLease("db", "a"));
    assertThat(get(backend.acquireLease("db", "b", 1, 60_000))).isTrue();
  }

  @Test
  void countersAreSharedAndSummedOverTheWindowOnly() throws Exception {
    RedisBackend a = backend();
    RedisBackend b = backend();

    assertThat(get(a.addCounts("payments", 10, 5, 1, 3, 60_000))).containsExactly(5, 1);
    assertThat(get(b.addCounts("payments", 10, 3, 2, 3, 60_000))).containsExactly(8, 3);
    assertThat(get(a.addCounts("payments", 11, 4, 0, 3, 60_000))).containsExactly(12, 3);
    assertThat(get(b.addCounts("payments", 12, 0, 0, 3, 60_000))).containsExactly(12, 3);
    // Slice 13's window is 11..13: slice 10 is out of it.
    assertThat(get(a.addCounts("payments", 13, 1, 1, 3, 60_000))).containsExactly(5, 1);
    assertThat(get(a.addCounts("other", 13, 0, 0, 3, 60_000))).containsExactly(0, 0);
  }

  @Test
  void aSliceExpiresAfterItsTimeToLiveFromItsFirstWrite() throws Exception {
    RedisBackend backend = backend();
    get(backend.addCounts("payments", 7, 1, 0, 2, 5_000));
    String key = RedisBackend.KEY_PREFIX + "budget:{payments}:7";
    long firstTtl = (Long) server.command("PTTL", key);
    assertThat(firstTtl).isBetween(1L, 5_000L);

    get(backend.addCounts("payments", 7, 1, 0, 2, 60_000));
    assertThat((Long) server.command("PTTL", key)).isLessThanOrEqualTo(5_000L);
    assertThat(server.command("EXISTS", RedisBackend.KEY_PREFIX + "budget:{payments}:6"))
        .isEqualTo(0L);
  }

  @Test
  void aBucketIsSharedByEveryInstanceAndExpiresWhenIdle() throws Exception {
    BucketConfiguration config =
        BucketConfiguration.builder()
            .addLimit(
                Bandwidth.builder()
                    .capacity(10)
                    .refillIntervally(10, Duration.ofMinutes(1))
                    .build())
            .build();
    AsyncBucketProxy onA =
        backend().buckets().getProxy("partner", () -> CompletableFuture.completedFuture(config));
    AsyncBucketProxy onB =
        backend().buckets().getProxy("partner", () -> CompletableFuture.completedFuture(config));

    int admitted = 0;
    for (int i = 0; i < 16; i++) {
      if (get((i % 2 == 0 ? onA : onB).tryConsume(1))) {
        admitted++;
      }
    }

    assertThat(admitted).isEqualTo(10);
    long ttl = (Long) server.command("PTTL", RedisBackend.KEY_PREFIX + "bucket:partner");
    assertThat(ttl).isBetween(1L, Duration.ofMinutes(1).plusSeconds(10).toMillis());
  }

  @Test
  void scriptsAreSentAgainAfterTheServerForgetsThem() throws Exception {
    RedisBackend backend = backend();
    assertThat(get(backend.acquireLease("db", "a", 5, 60_000))).isTrue();
    assertThat(scriptExists(RedisScripts.ACQUIRE)).isTrue();

    server.command("SCRIPT", "FLUSH");
    assertThat(scriptExists(RedisScripts.ACQUIRE)).isFalse();

    assertThat(get(backend.acquireLease("db", "b", 5, 60_000))).isTrue();
    assertThat(scriptExists(RedisScripts.ACQUIRE)).isTrue();
    assertThat(get(backend.leasesHeld("db"))).isEqualTo(2);
  }

  @Test
  void everyKeyIsUnderThePrefix() throws Exception {
    RedisBackend backend = backend();
    get(backend.acquireLease("db", "a", 5, 60_000));
    get(backend.addCounts("payments", 1, 1, 1, 2, 60_000));
    BucketConfiguration config =
        BucketConfiguration.builder()
            .addLimit(
                Bandwidth.builder().capacity(5).refillGreedy(5, Duration.ofSeconds(1)).build())
            .build();
    get(
        backend
            .buckets()
            .getProxy("partner", () -> CompletableFuture.completedFuture(config))
            .tryConsume(1));

    @SuppressWarnings("unchecked")
    List<Object> keys = (List<Object>) server.command("KEYS", "*");
    assertThat(keys)
        .hasSize(3)
        .allSatisfy(k -> assertThat((String) k).startsWith(RedisBackend.KEY_PREFIX));
  }

  @Test
  void pingAnswersAndOperationsFailFastWithoutAServer() throws Exception {
    RedisBackend up = backend();
    assertThat(get(up.ping())).isNull();

    RedisBackend nowhere = RedisBackend.create("redis://127.0.0.1:" + unusedPort());
    backends.add(nowhere);
    CompletableFuture<Boolean> refused = nowhere.acquireLease("db", "a", 1, 1_000);
    assertThatThrownBy(() -> refused.get(1, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
  }

  @Test
  void aBackendStartedBeforeTheServerConnectsOnceItAnswers() throws Exception {
    try (RedisServerProcess late = RedisServerProcess.start()) {
      late.kill();
      RedisBackend backend = RedisBackend.create(late.uri());
      backends.add(backend);
      assertThatThrownBy(() -> backend.ping().get(1, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);

      late.restart();

      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(() -> get(backend.acquireLease("db", "a", 1, 60_000)));
    }
  }

  @Test
  void aKilledAndRestartedServerIsUsedAgain() throws Exception {
    try (RedisServerProcess restarted = RedisServerProcess.start()) {
      RedisBackend backend = RedisBackend.create(restarted.uri());
      backends.add(backend);
      assertThat(get(backend.acquireLease("db", "a", 1, 60_000))).isTrue();

      restarted.kill();
      long start = System.nanoTime();
      assertThatThrownBy(() -> backend.acquireLease("db", "b", 1, 60_000).get(2, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

      restarted.restart();
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(() -> get(backend.acquireLease("db", "b", 1, 60_000)));
      assertThat(scriptExists(restarted, RedisScripts.ACQUIRE)).isTrue();
    }
  }

  @Test
  void closingTheBackendLeavesTheApplicationsClientRunning() throws Exception {
    RedisClient client = RedisClient.create(server.uri());
    try {
      RedisBackend backend = new RedisBackend(client, false);
      assertThat(get(backend.acquireLease("db", "a", 1, 60_000))).isTrue();
      backend.close();

      try (StatefulRedisConnection<String, String> own = client.connect()) {
        assertThat(own.sync().ping()).isEqualTo("PONG");
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Test
  void aClientWithoutAutoReconnectGetsANewConnectionAfterARestart() throws Exception {
    try (RedisServerProcess restarted = RedisServerProcess.start()) {
      RedisClient client = RedisClient.create(restarted.uri());
      client.setOptions(ClientOptions.builder().autoReconnect(false).build());
      try {
        RedisBackend backend = new RedisBackend(client, false);
        backends.add(backend);
        assertThat(get(backend.acquireLease("db", "a", 1, 60_000))).isTrue();

        restarted.restart();

        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(50))
            .ignoreExceptions()
            .until(() -> get(backend.acquireLease("db", "b", 1, 60_000)));
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }

  private static boolean scriptExists(LuaScript script) {
    return scriptExists(server, script);
  }

  @SuppressWarnings("unchecked")
  private static boolean scriptExists(RedisServerProcess on, LuaScript script) {
    List<Object> exists = (List<Object>) on.command("SCRIPT", "EXISTS", script.sha1());
    return Long.valueOf(1).equals(exists.get(0));
  }

  private static int unusedPort() throws Exception {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
