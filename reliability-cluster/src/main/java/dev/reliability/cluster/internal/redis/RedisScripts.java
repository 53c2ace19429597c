package dev.reliability.cluster.internal.redis;

/**
 * The Lua scripts of the Redis engine. Each reads the server's clock ({@code TIME}) so that lease
 * expiry never depends on the instances' clocks, and each runs atomically on the server.
 *
 * <p>Leases live in one sorted set per concurrency limit, each member a lease id scored by its
 * expiry in server milliseconds; a lease whose score is at or before now has expired. The set's own
 * key expires just after its last lease, so an idle limit leaves nothing behind. Retry budget
 * counters live in one hash per budget and time slice ({@code calls}, {@code retries}), expiring
 * {@code sliceTtl} after the slice's first write.
 */
final class RedisScripts {

  private RedisScripts() {}

  /** The server's time in milliseconds, as the local {@code now}. */
  private static final String NOW =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      """;

  /** Keeps the lease set's key alive until just after its last lease expires. */
  private static final String EXPIRE_SET =
      """
      local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
      if last[2] then
        redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(last[2]) - now + 1))
      end
      """;

  /**
   * KEYS[1] the lease set; ARGV[1] the lease id, ARGV[2] the limit, ARGV[3] the time to live in
   * milliseconds. Returns 1 when the lease was taken, 0 when the limit is reached.
   */
  static final LuaScript ACQUIRE =
      new LuaScript(
          "acquire",
          NOW
              + """
              redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
              if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
                return 0
              end
              redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
              """
              + EXPIRE_SET
              + "return 1\n");

  /**
   * KEYS[1] the lease set; ARGV[1] the time to live in milliseconds, ARGV[2..] the lease ids.
   * Extends the unexpired ones among them; returns how many still existed.
   */
  static final LuaScript RENEW =
      new LuaScript(
          "renew",
          NOW
              + """
              redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
              local expiry = now + tonumber(ARGV[1])
              local renewed = 0
              for i = 2, #ARGV do
                if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
                  redis.call('ZADD', KEYS[1], 'XX', expiry, ARGV[i])
                  renewed = renewed + 1
                end
              end
              """
              + EXPIRE_SET
              + "return renewed\n");

  /** KEYS[1] the lease set. Returns the number of unexpired leases; writes nothing. */
  static final LuaScript COUNT =
      new LuaScript(
          "count",
          NOW + "return redis.call('ZCOUNT', KEYS[1], '(' .. string.format('%d', now), '+inf')\n");

  /**
   * KEYS[1] this slice's hash, KEYS[2..] the window's earlier slices; ARGV[1] calls to add, ARGV[2]
   * retries to add, ARGV[3] the slice's time to live in milliseconds. Returns the window's {@code
   * {calls, retries}}.
   */
  static final LuaScript ADD_COUNTS =
      new LuaScript(
          "add-counts",
          """
          local calls = tonumber(ARGV[1])
          local retries = tonumber(ARGV[2])
          if calls ~= 0 then redis.call('HINCRBY', KEYS[1], 'calls', calls) end
          if retries ~= 0 then redis.call('HINCRBY', KEYS[1], 'retries', retries) end
          if redis.call('PTTL', KEYS[1]) == -1 then
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
          end
          local sumCalls, sumRetries = 0, 0
          for i = 1, #KEYS do
            local v = redis.call('HMGET', KEYS[i], 'calls', 'retries')
            sumCalls = sumCalls + (tonumber(v[1]) or 0)
            sumRetries = sumRetries + (tonumber(v[2]) or 0)
          end
          return {sumCalls, sumRetries}
          """);
}
