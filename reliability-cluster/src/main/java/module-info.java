/**
 * Reliability cluster: fleet-wide rate limits, concurrency limits and retry budgets shared by every
 * instance of a service, on Redis (Lettuce) or Hazelcast, with Bucket4j's distributed token
 * buckets.
 *
 * <p>Exports the API packages only; {@code internal} is not exported. The engines, the health check
 * and the metrics binder need optional libraries, {@code requires static} modules the application
 * resolves itself.
 */
module dev.reliability.cluster {
  requires transitive dev.reliability.core;
  requires io.github.bucket4j.core;
  requires org.slf4j;
  // Per-key rate limiters are held in a bounded Caffeine cache; no Caffeine type is in the API.
  requires com.github.benmanes.caffeine;
  requires static io.github.bucket4j.lettuce;
  requires static io.github.bucket4j.redis.common;
  requires static lettuce.core;
  requires static io.github.bucket4j.hazelcast;
  requires static com.hazelcast.core;
  requires static dev.reliability.health;
  requires static dev.reliability.metrics;
  requires static micrometer.core;

  exports dev.reliability.cluster;
  exports dev.reliability.cluster.health;
  exports dev.reliability.cluster.metrics;
}
