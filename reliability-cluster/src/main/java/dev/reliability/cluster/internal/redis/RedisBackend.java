package dev.reliability.cluster.internal.redis;

import dev.reliability.cluster.internal.FleetBackend;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.RedisApi;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis engine of the fleet-wide limits, on Lettuce: Bucket4j's Lettuce proxy manager for the
 * token buckets (compare-and-swap mode, buckets expire once refilled), Lua scripts for the leases
 * and the retry budget's counters (see {@link RedisScripts}).
 *
 * <p>One shared connection ({@code String} keys, {@code byte[]} values, as Bucket4j needs) serves
 * every operation; every method returns Lettuce's future and never blocks. The constructor makes
 * one connection attempt (bounded by the client's connect time-out: 1 s for an owned client); when
 * it fails, the backend starts up all the same, its operations fail fast, and each operation (the
 * engine's recovery probe is one) starts a new connection attempt in the background until one
 * succeeds. Once connected, Lettuce's auto-reconnect brings a restarted server back; with a client
 * whose auto-reconnect is off, the lost connection is dropped and a new one opened the same way.
 *
 * <p>An owned client (one the backend was given to close) gets the options the fleet limits need:
 * commands rejected at once while disconnected instead of queued, a command time-out, a short
 * connect time-out. A user's client keeps the options its owner chose: with Lettuce's defaults,
 * commands issued while disconnected wait in its queue, and only the engine's time-out bounds the
 * caller.
 *
 * <p>Keys: {@code reliability:fleet:bucket:<name>}, {@code reliability:fleet:lease:{<limit>}},
 * {@code reliability:fleet:budget:{<budget>}:<slice>}.
 *
 * <p>Thread-safe. Internal: may change at any time.
 */
public final class RedisBackend implements FleetBackend {

  private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);

  /** The prefix of every key this backend writes. */
  public static final String KEY_PREFIX = "reliability:fleet:";

  /** How long an owned client waits for a command's reply before Lettuce gives up on it. */
  static final Duration OWNED_COMMAND_TIMEOUT = Duration.ofSeconds(1);

  /** How long an owned client waits for a TCP connection. */
  static final Duration OWNED_CONNECT_TIMEOUT = Duration.ofSeconds(1);

  /** How long a full bucket's state stays in Redis after it was last written. */
  static final Duration BUCKET_KEEP_AFTER_REFILL = Duration.ofSeconds(10);

  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final RedisClient client;
  private final boolean owned;
  private final ClientResources ownedResources;
  private final AsyncProxyManager<String> buckets;

  private final boolean clientReconnects;

  // Written under the lock on this, which is never held across blocking work; connection is also
  // read without it. connection is null until a connection attempt succeeds; it goes back to null
  // at close, or when a client that does not reconnect by itself has lost it.
  private volatile StatefulRedisConnection<String, byte[]> connection;
  private boolean connecting;
  private boolean closed;
  private long failedAttempts;

  /**
   * Creates the backend on {@code client} and tries to connect at once.
   *
   * @param client the Lettuce client, with its default URI
   * @param owned whether {@link #close()} shuts the client down (and sets its options here)
   */
  public RedisBackend(RedisClient client, boolean owned) {
    this(client, owned, null);
  }

  private RedisBackend(RedisClient client, boolean owned, ClientResources ownedResources) {
    this.client = Objects.requireNonNull(client, "client must not be null");
    this.owned = owned;
    this.ownedResources = ownedResources;
    if (owned) {
      client.setOptions(ownedOptions());
    }
    this.clientReconnects = client.getOptions().isAutoReconnect();
    this.buckets =
        new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(new ConnectionRedisApi())
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                    BUCKET_KEEP_AFTER_REFILL))
            .build()
            .asAsync()
            .withMapper((String name) -> (Object) (KEY_PREFIX + "bucket:" + name));
    connectNow();
  }

  /**
   * Creates a backend that owns a new client for {@code redisUri}, whose reconnect delay grows from
   * 10 ms to at most 1 s, so a restarted server is used again within about a second.
   *
   * @param redisUri a Lettuce URI, such as {@code redis://127.0.0.1:6379}
   * @return the backend; {@link #close()} shuts down the client and its resources
   * @throws IllegalArgumentException if the URI is not a Redis URI
   */
  public static RedisBackend create(String redisUri) {
    RedisURI uri = RedisURI.create(Objects.requireNonNull(redisUri, "redisUri must not be null"));
    ClientResources resources =
        DefaultClientResources.builder()
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .build();
    return new RedisBackend(RedisClient.create(resources, uri), true, resources);
  }

  private static ClientOptions ownedOptions() {
    return ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(OWNED_COMMAND_TIMEOUT))
        .socketOptions(SocketOptions.builder().connectTimeout(OWNED_CONNECT_TIMEOUT).build())
        .build();
  }

  @Override
  public String engine() {
    return "redis";
  }

  @Override
  public AsyncProxyManager<String> buckets() {
    return buckets;
  }

  @Override
  public CompletableFuture<Boolean> acquireLease(
      String limit, String leaseId, int max, long ttlMillis) {
    RedisAsyncCommands<String, byte[]> c = commands();
    if (c == null) {
      return notConnected();
    }
    return RedisScripts.ACQUIRE
        .<Long>run(
            c,
            ScriptOutputType.INTEGER,
            new String[] {leaseKey(limit)},
            bytes(leaseId),
            bytes(max),
            bytes(ttlMillis))
        .thenApply(taken -> taken == 1L);
  }

  @Override
  public CompletableFuture<Void> renewLeases(
      String limit, Collection<String> leaseIds, long ttlMillis) {
    if (leaseIds.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    RedisAsyncCommands<String, byte[]> c = commands();
    if (c == null) {
      return notConnected();
    }
    byte[][] args = new byte[leaseIds.size() + 1][];
    args[0] = bytes(ttlMillis);
    int i = 1;
    for (String id : leaseIds) {
      args[i++] = bytes(id);
    }
    return RedisScripts.RENEW
        .<Long>run(c, ScriptOutputType.INTEGER, new String[] {leaseKey(limit)}, args)
        .thenApply(renewed -> null);
  }

  @Override
  public CompletableFuture<Void> releaseLease(String limit, String leaseId) {
    RedisAsyncCommands<String, byte[]> c = commands();
    if (c == null) {
      return notConnected();
    }
    return c.zrem(leaseKey(limit), bytes(leaseId)).toCompletableFuture().thenApply(removed -> null);
  }

  @Override
  public CompletableFuture<Integer> leasesHeld(String limit) {
    RedisAsyncCommands<String, byte[]> c = commands();
    if (c == null) {
      return notConnected();
    }
    return RedisScripts.COUNT
        .<Long>run(c, ScriptOutputType.INTEGER, new String[] {leaseKey(limit)})
        .thenApply(Long::intValue);
  }

  @Override
  public CompletableFuture<long[]> addCounts(
      String budget, long slice, long calls, long retries, int slices, long sliceTtlMillis) {
    RedisAsyncCommands<String, byte[]> c = commands();
    if (c == null) {
      return notConnected();
    }
    int window = Math.max(1, slices);
    String[] keys = new String[window];
    String prefix = KEY_PREFIX + "budget:{" + budget + "}:";
    for (int i = 0; i < window; i++) {
      keys[i] = prefix + (slice - i);
    }
    return RedisScripts.ADD_COUNTS
        .<List<Object>>run(
            c,
            ScriptOutputType.MULTI,
            keys,
            bytes(calls),
            bytes(retries),
            bytes(Math.max(1, sliceTtlMillis)))
        .thenApply(sums -> new long[] {(Long) sums.get(0), (Long) sums.get(1)});
  }

  @Override
  public CompletableFuture<Void> ping() {
    RedisAsyncCommands<String, byte[]> c = commands();
    if (c == null) {
      return notConnected();
    }
    return c.ping().toCompletableFuture().thenApply(pong -> null);
  }

  @Override
  public void close() {
    StatefulRedisConnection<String, byte[]> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = connection;
      connection = null;
    }
    if (toClose != null) {
      toClose.close();
    }
    if (owned) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      if (ownedResources != null) {
        ownedResources.shutdown(0, 2, TimeUnit.SECONDS);
      }
    }
  }

  static String leaseKey(String limit) {
    return KEY_PREFIX + "lease:{" + limit + "}";
  }

  /**
   * The connection's commands, or null (and a connection attempt started) when there is no
   * connection. A client without Lettuce's auto-reconnect loses its connection for good when the
   * server goes away: that connection is dropped here and a new one opened in the background.
   */
  private RedisAsyncCommands<String, byte[]> commands() {
    StatefulRedisConnection<String, byte[]> c = connection;
    if (c != null && !clientReconnects && !c.isOpen()) {
      drop(c);
      c = null;
    }
    if (c == null) {
      connectInBackground();
      return null;
    }
    return c.async();
  }

  private void drop(StatefulRedisConnection<String, byte[]> lost) {
    synchronized (this) {
      if (connection != lost) {
        return;
      }
      connection = null;
    }
    lost.closeAsync();
  }

  private void connectNow() {
    synchronized (this) {
      connecting = true;
    }
    attemptConnection();
  }

  private void connectInBackground() {
    synchronized (this) {
      if (closed || connection != null || connecting) {
        return;
      }
      connecting = true;
    }
    Thread attempt = new Thread(this::attemptConnection, "reliability-fleet-redis-connect");
    attempt.setDaemon(true);
    attempt.start();
  }

  /** One connection attempt; the caller has set {@code connecting}. Catches Throwable. */
  private void attemptConnection() {
    StatefulRedisConnection<String, byte[]> opened = null;
    Throwable failure = null;
    try {
      opened = client.connect(CODEC);
    } catch (Throwable t) {
      failure = t;
    }
    boolean closeOpened;
    long failedBefore;
    synchronized (this) {
      connecting = false;
      closeOpened = closed && opened != null;
      failedBefore = failedAttempts;
      if (opened != null && !closed) {
        connection = opened;
        failedAttempts = 0;
      } else if (opened == null) {
        failedAttempts++;
      }
    }
    if (closeOpened) {
      opened.closeAsync();
    } else if (opened != null) {
      LOG.info("fleet_engine_connected engine=redis failed_attempts={}", failedBefore);
    } else if (failedBefore == 0) {
      // One WARN per outage; the attempts after it (one per probe) log at DEBUG.
      LOG.warn("fleet_engine_connect_failed engine=redis error={}", String.valueOf(failure));
    } else {
      LOG.debug("fleet_engine_connect_failed engine=redis error={}", String.valueOf(failure));
    }
  }

  private static <T> CompletableFuture<T> notConnected() {
    return CompletableFuture.failedFuture(
        new RedisConnectionException(
            "not connected to Redis yet; a connection attempt is under way"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Bucket4j's view of the shared connection. Bucket4j hands its keys over as an {@code Object[]},
   * so the key type here is {@code Object} (every key is a {@code String} from the mapper above).
   */
  private final class ConnectionRedisApi implements RedisApi<Object> {

    @SuppressWarnings("unchecked")
    private RedisAsyncCommands<Object, byte[]> objectKeyed() {
      return (RedisAsyncCommands<Object, byte[]>) (RedisAsyncCommands<?, ?>) commands();
    }

    @Override
    public <V> RedisFuture<V> eval(
        String script, ScriptOutputType scriptOutputType, Object[] keys, byte[][] args) {
      RedisAsyncCommands<Object, byte[]> c = objectKeyed();
      return c == null ? failed(CommandType.EVAL) : c.eval(script, scriptOutputType, keys, args);
    }

    @Override
    public RedisFuture<byte[]> get(Object key) {
      RedisAsyncCommands<Object, byte[]> c = objectKeyed();
      return c == null ? failed(CommandType.GET) : c.get(key);
    }

    @Override
    public RedisFuture<?> delete(Object key) {
      RedisAsyncCommands<Object, byte[]> c = objectKeyed();
      return c == null ? failed(CommandType.DEL) : c.del(key);
    }

    private <V> RedisFuture<V> failed(CommandType type) {
      AsyncCommand<Object, byte[], V> command = new AsyncCommand<>(new Command<>(type, null));
      command.completeExceptionally(
          new RedisConnectionException(
              "not connected to Redis yet; a connection attempt is under way"));
      return command;
    }
  }
}
