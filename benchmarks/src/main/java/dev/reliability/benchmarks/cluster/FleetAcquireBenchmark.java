package dev.reliability.benchmarks.cluster;

import com.hazelcast.core.HazelcastInstance;
import dev.reliability.cluster.FleetBatching;
import dev.reliability.cluster.FleetEngine;
import dev.reliability.cluster.FleetRateLimitConfig;
import dev.reliability.cluster.FleetRateLimiter;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RateLimiterConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * The cost of one rate-limit permit, local and fleet-wide, in one run: the library's local rate
 * limiter (a policy with only a rate limiter), Bucket4j's local bucket, Bucket4j's own distributed
 * buckets (a synchronous proxy, with and without its request batching) on a local {@code
 * redis-server} and on an embedded Hazelcast member, and the cluster module's fleet rate limiter on
 * each engine with no batching, with Bucket4j's batching and with local prefetch (its defaults: 10
 * tokens or 100 ms), given to a policy with only that limiter, the path of {@code ours-local}. The
 * limit is far above what the run can take (10^9 a second), so every acquire is granted and the
 * figures are the cost of asking. Every limiter is shared by the calling threads ({@link
 * FleetAcquireOneThread}, {@link FleetAcquireTwoThreads}).
 *
 * <p>The setup of a variant on Redis starts {@code redis-server} (Debian's package) on a free
 * loopback port and stops it in the teardown; a variant on Hazelcast starts one embedded member on
 * loopback. Each variant runs in its own fork. The fleet variants' engine time-out is 2 s, so that
 * a late answer on a busy machine does not switch the run to the local share; the teardown says so
 * on standard error if it happened.
 *
 * <p>Run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * 'FleetAcquire(One|Two)Thread' -prof gc -f 1 -wi 2 -w 2s -i 3 -r 2s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public abstract class FleetAcquireBenchmark {

  /** Permits a second: far more than any variant can take, so no acquire is refused. */
  static final int LIMIT = 1_000_000_000;

  /** A permit source: granted or not. */
  interface Acquire {
    boolean acquire();
  }

  /** The limiter under test, shared by the calling threads. */
  @State(Scope.Benchmark)
  public static class Limiter {

    /** Which limiter; see the class comment. */
    @Param({
      "ours-local",
      "bucket4j-local",
      "bucket4j-redis",
      "bucket4j-redis-batching",
      "fleet-redis",
      "fleet-redis-batching",
      "fleet-redis-prefetch",
      "bucket4j-hazelcast",
      "bucket4j-hazelcast-batching",
      "bucket4j-hazelcast-async",
      "fleet-hazelcast",
      "fleet-hazelcast-batching",
      "fleet-hazelcast-prefetch"
    })
    public String impl;

    Acquire acquire;
    private FleetEngine engine;
    private final java.util.List<AutoCloseable> closeables = new java.util.ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      // The engines' clients log every connection step at debug level: keep the run's output short.
      for (String name : new String[] {"io.lettuce", "io.netty", "com.hazelcast"}) {
        if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
          logger.setLevel(ch.qos.logback.classic.Level.WARN);
        }
      }
      acquire = create(impl);
      // One call outside the measurement: connections made, the bucket created on the engine.
      if (!acquire.acquire()) {
        throw new IllegalStateException("the first permit of " + impl + " was refused");
      }
    }

    private Acquire create(String impl) throws Exception {
      switch (impl) {
        case "ours-local":
          {
            Policy policy =
                Policy.builder("bench")
                    .rateLimiter(
                        RateLimiterConfig.builder()
                            .limit(LIMIT)
                            .period(Duration.ofSeconds(1))
                            .build())
                    .build();
            Supplier<Boolean> call = () -> Boolean.TRUE;
            return () -> policy.execute(call);
          }
        case "bucket4j-local":
          {
            Bucket bucket = Bucket.builder().addLimit(bandwidth()).build();
            return () -> bucket.tryConsume(1);
          }
        case "bucket4j-redis":
        case "bucket4j-redis-batching":
          {
            ProxyManager<String> buckets = redisBuckets();
            return bucket4j(buckets, impl.endsWith("-batching"));
          }
        case "bucket4j-hazelcast":
        case "bucket4j-hazelcast-batching":
          {
            HazelcastInstance member = hazelcast();
            ProxyManager<String> buckets =
                Bucket4jHazelcast.<String>entryProcessorBasedBuilder(member.getMap("bench-buckets"))
                    .build();
            return bucket4j(buckets, impl.endsWith("-batching"));
          }
        case "bucket4j-hazelcast-async":
          {
            // Bucket4j's asynchronous proxy, the kind the engine uses: the same bucket, waited on.
            AsyncBucketProxy bucket =
                Bucket4jHazelcast.<String>entryProcessorBasedBuilder(
                        hazelcast().getMap("bench-buckets"))
                    .build()
                    .asAsync()
                    .builder()
                    .build(
                        "bench",
                        () ->
                            CompletableFuture.completedFuture(
                                BucketConfiguration.builder().addLimit(bandwidth()).build()));
            return () -> bucket.tryConsume(1).join();
          }
        case "fleet-redis":
        case "fleet-redis-batching":
        case "fleet-redis-prefetch":
          return fleet(FleetEngine.redis(redis().uri()), impl);
        case "fleet-hazelcast":
        case "fleet-hazelcast-batching":
        case "fleet-hazelcast-prefetch":
          return fleet(FleetEngine.hazelcast(hazelcast()), impl);
        default:
          throw new IllegalArgumentException(
              "impl must be one of the listed variants, was " + impl);
      }
    }

    /**
     * A policy with only the fleet rate limiter, as an application uses it: the same path as {@code
     * ours-local}'s, the permit asked of the engine instead of the local bucket.
     */
    private Acquire fleet(FleetEngine.Builder engineBuilder, String impl) {
      // A generous time-out: a late answer on a busy machine must not switch the run to the local
      // share, which would measure the fallback instead of the engine (checked in the teardown).
      engine = engineBuilder.name("bench").timeout(Duration.ofSeconds(2)).build();
      closeables.add(0, engine);
      FleetBatching batching =
          impl.endsWith("-prefetch")
              ? FleetBatching.PREFETCH
              : impl.endsWith("-batching") ? FleetBatching.BATCHING : FleetBatching.NONE;
      FleetRateLimiter limiter =
          engine.rateLimiter(
              FleetRateLimitConfig.builder("bench")
                  .limit(LIMIT)
                  .period(Duration.ofSeconds(1))
                  .batching(batching)
                  .build());
      Policy policy = Policy.builder("bench").rateLimiter(limiter).build();
      Supplier<Boolean> call = () -> Boolean.TRUE;
      return () -> policy.execute(call);
    }

    private static Bandwidth bandwidth() {
      return Bandwidth.builder().capacity(LIMIT).refillGreedy(LIMIT, Duration.ofSeconds(1)).build();
    }

    private static Acquire bucket4j(ProxyManager<String> buckets, boolean batching) {
      BucketConfiguration configuration =
          BucketConfiguration.builder().addLimit(bandwidth()).build();
      var builder = buckets.builder();
      if (batching) {
        builder = builder.withOptimization(Optimizations.batching());
      }
      Bucket bucket = builder.build("bench", () -> configuration);
      return () -> bucket.tryConsume(1);
    }

    LocalRedisServer redis() throws Exception {
      LocalRedisServer redis = LocalRedisServer.start();
      closeables.add(redis);
      return redis;
    }

    private ProxyManager<String> redisBuckets() throws Exception {
      RedisClient client = RedisClient.create(redis().uri());
      closeables.add(0, client::shutdown);
      StatefulRedisConnection<String, byte[]> connection =
          client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
      closeables.add(0, connection);
      return Bucket4jLettuce.casBasedBuilder(connection).build();
    }

    HazelcastInstance hazelcast() {
      HazelcastInstance member = LocalHazelcastMember.start();
      closeables.add(member::shutdown);
      return member;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      if (engine != null && engine.fallbacks() > 0) {
        System.err.printf(
            "%s: the engine fell back to the local share %d times; the figures mix both paths%n",
            impl, engine.fallbacks());
      }
      for (AutoCloseable closeable : closeables) {
        closeable.close();
      }
      closeables.clear();
    }
  }

  @Benchmark
  public boolean acquire(Limiter limiter) {
    return limiter.acquire.acquire();
  }
}
