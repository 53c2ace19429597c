package dev.reliability.examples;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.reliability.cluster.FleetBulkhead;
import dev.reliability.cluster.FleetBulkheadConfig;
import dev.reliability.cluster.FleetEngine;
import dev.reliability.cluster.FleetRateLimitConfig;
import dev.reliability.cluster.FleetRateLimiter;
import dev.reliability.cluster.health.FleetHealthCheck;
import dev.reliability.cluster.metrics.FleetMetrics;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.Setting;
import dev.reliability.health.HealthCheckRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;
import java.time.Duration;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example's fleet-wide limits, on when {@code REDIS_URL} is set: every instance started with
 * the same Redis shares one rate limit ({@link #RATE_LIMIT} a second) and one concurrency limit
 * ({@link #MAX_CONCURRENT_CALLS}) on {@code GET /api/quote}, through a {@link FleetEngine} on
 * Redis. When Redis fails or is late, each instance goes on alone with its share (the limit divided
 * by {@code FLEET_EXPECTED_INSTANCES}, the library's {@code reliability.fleet.expected-instances},
 * 2 here), the {@value #CHECK} health check turns degraded, and both come back when Redis answers
 * again.
 *
 * <p>Without {@code REDIS_URL} nothing of this exists and the example needs only the JDK.
 */
final class FleetLimits implements AutoCloseable {

  /** The name of the engine, the limits, the health check and the refusals. */
  static final String NAME = "quote-fleet";

  /** The health check's name in {@code /health}. */
  static final String CHECK = "fleet";

  /**
   * The instances the example expects to share the limits unless {@code FLEET_EXPECTED_INSTANCES}
   * says otherwise: two, as the end-to-end checks run it.
   */
  static final int EXPECTED_INSTANCES = 2;

  private static final Pattern REDIS_URI =
      Pattern.compile("rediss?://[^\\s/?#]{1,255}(/[0-9]{1,2})?([?][^\\s#]{0,512})?");

  /**
   * The Redis that keeps the fleet's shared limits; unset: none. Environment variable {@code
   * REDIS_URL}.
   */
  static final Setting<String> REDIS_URL =
      Setting.stringSetting("redis-url")
          .rule(
              v -> v.length() <= 1024 && REDIS_URI.matcher(v).matches(),
              "a redis:// or rediss:// URI of at most 1024 characters, such as"
                  + " redis://127.0.0.1:6379")
          .description(
              "Redis URI that shares /api/quote's rate and concurrency limits with every instance"
                  + " started with the same one; unset: no fleet-wide limits (environment variable"
                  + " REDIS_URL)")
          .build();

  /** Quotes a second the whole fleet admits. Environment variable {@code FLEET_RATE_LIMIT}. */
  static final Setting<Integer> RATE_LIMIT =
      Setting.intSetting("fleet-rate-limit")
          .defaultValue(50)
          .between(1, 1_000_000)
          .description(
              "With REDIS_URL: quotes a second on /api/quote for all instances together"
                  + " (environment variable FLEET_RATE_LIMIT)")
          .build();

  /**
   * Quotes in flight across the whole fleet. Environment variable {@code
   * FLEET_MAX_CONCURRENT_CALLS}.
   */
  static final Setting<Integer> MAX_CONCURRENT_CALLS =
      Setting.intSetting("fleet-max-concurrent-calls")
          .defaultValue(20)
          .between(1, 100_000)
          .description(
              "With REDIS_URL: quotes in flight on /api/quote for all instances together"
                  + " (environment variable FLEET_MAX_CONCURRENT_CALLS)")
          .build();

  private static final Logger log = LoggerFactory.getLogger(FleetLimits.class);

  private final FleetEngine engine;
  private final FleetRateLimiter rateLimiter;
  private final FleetBulkhead bulkhead;

  private FleetLimits(FleetEngine engine, int rateLimit, int maxConcurrentCalls) {
    this.engine = engine;
    try {
      this.rateLimiter =
          engine.rateLimiter(
              FleetRateLimitConfig.builder(NAME)
                  .limit(rateLimit)
                  .period(Duration.ofSeconds(1))
                  .build());
      this.bulkhead =
          engine.bulkhead(
              FleetBulkheadConfig.builder(NAME).maxConcurrentCalls(maxConcurrentCalls).build());
    } catch (RuntimeException | Error e) {
      engine.close();
      throw e;
    }
  }

  /**
   * Builds the engine on Redis and the two limits; connects lazily: a Redis that does not answer
   * yet only makes the limits start on the local share.
   *
   * @param redisUrl the Redis URI
   * @param rateLimit quotes a second, fleet-wide
   * @param maxConcurrentCalls quotes in flight, fleet-wide
   * @param source the engine's settings ({@code reliability.fleet.*})
   * @return the limits
   */
  static FleetLimits start(
      String redisUrl, int rateLimit, int maxConcurrentCalls, ConfigSource source) {
    FleetEngine engine =
        FleetEngine.redis(redisUrl)
            .name(NAME)
            .expectedInstances(EXPECTED_INSTANCES)
            .configSource(source)
            .build();
    FleetLimits limits = new FleetLimits(engine, rateLimit, maxConcurrentCalls);
    log.info(
        "fleet-wide limits on /api/quote",
        kv("fleet_engine", engine.engine()),
        kv("fleet_rate_limit_per_second", rateLimit),
        kv("fleet_max_concurrent_calls", maxConcurrentCalls),
        kv("fleet_expected_instances", engine.expectedInstances()),
        kv("fleet_timeout_ms", engine.timeout().toMillis()));
    return limits;
  }

  /**
   * Returns the filter that admits quotes within both limits.
   *
   * @return the filter
   */
  Filter filter() {
    return new FleetLimitFilter(NAME, rateLimiter, bulkhead);
  }

  /**
   * Registers the {@value #CHECK} health check (degraded while the limits are local) and binds the
   * fleet's metrics.
   *
   * @param health the registry
   * @param meters the meter registry
   */
  void register(HealthCheckRegistry health, MeterRegistry meters) {
    health.register(CHECK, FleetHealthCheck.of(engine));
    FleetMetrics.of(engine).bindTo(meters);
  }

  FleetEngine engine() {
    return engine;
  }

  /** Closes the engine: its probes stop and its Redis connection closes. */
  @Override
  public void close() {
    engine.close();
  }
}
