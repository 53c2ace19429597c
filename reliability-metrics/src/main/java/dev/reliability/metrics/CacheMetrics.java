package dev.reliability.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import dev.reliability.core.internal.Checks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

/**
 * Cache hit and miss metrics for Caffeine caches, through Micrometer's own {@link
 * CaffeineCacheMetrics} binder ({@code cache.gets{cache,result="hit"|"miss"}}, {@code cache.puts},
 * {@code cache.evictions}, {@code cache.size}, ...). Needs the optional {@code
 * com.github.ben-manes.caffeine:caffeine} on the class path.
 *
 * <p>The only thing added here is a fail-fast check: a cache built without {@code recordStats()}
 * would report zero hits and zero misses forever, so it is rejected.
 *
 * <pre>{@code
 * Cache<String, Report> reports = Caffeine.newBuilder().maximumSize(1_000).recordStats().build();
 * CacheMetrics.monitor(registry, reports, "reports");
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class CacheMetrics {

  private CacheMetrics() {}

  /**
   * Registers a Caffeine cache's statistics.
   *
   * @param registry the registry
   * @param cache the cache, built with {@code recordStats()}
   * @param cacheName the value of the {@code cache} tag
   * @param <K> the key type
   * @param <V> the value type
   * @param <C> the cache type
   * @return {@code cache}
   * @throws IllegalArgumentException if the cache does not record statistics, or the name is blank
   */
  public static <K, V, C extends Cache<K, V>> C monitor(
      MeterRegistry registry, C cache, String cacheName) {
    Checks.notNull("registry", registry);
    Checks.notNull("cache", cache);
    Checks.notBlank("cacheName", cacheName);
    Checks.check(
        cache.policy().isRecordingStats(),
        "cache " + cacheName,
        "built with Caffeine.newBuilder().recordStats()",
        "not recording statistics");
    return CaffeineCacheMetrics.monitor(registry, cache, cacheName, Tags.empty());
  }
}
