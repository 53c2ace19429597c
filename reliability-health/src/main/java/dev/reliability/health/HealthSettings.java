package dev.reliability.health;

import dev.reliability.core.config.Setting;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The settings of health-check registries and their checks, under the prefix {@value #PREFIX}.
 *
 * <p>Registry settings use the shared key, such as {@code reliability.health.probe-timeout}
 * (environment variable {@code RELIABILITY_HEALTH_PROBE_TIMEOUT}). Check settings can also be set
 * for one check by its name: {@code reliability.health.database.check-timeout} ({@code
 * RELIABILITY_HEALTH_DATABASE_CHECK_TIMEOUT}) wins over {@code reliability.health.check-timeout},
 * which wins over the value set in code with {@link HealthCheckConfig}, which wins over the default
 * below. Bare numbers in duration settings are seconds, as the older {@code HEALTH_CHECK_TIMEOUT=5}
 * style wrote them.
 *
 * <p>The older variable names {@code HEALTH_CHECK_TIMEOUT}, {@code HEALTH_CHECK_INTERVAL}, {@code
 * GRACEFUL_SHUTDOWN_TIMEOUT} and {@code HEALTH_MEMORY_THRESHOLD_MB} keep working through {@link
 * #SEED_ALIASES}:
 *
 * <pre>{@code
 * ConfigSource source = ConfigSource.standard().withAliases(HealthSettings.SEED_ALIASES);
 * HealthCheckRegistry registry = HealthCheckRegistry.builder().configSource(source).build();
 * }</pre>
 */
public final class HealthSettings {

  /** The prefix of every health setting. */
  public static final String PREFIX = "reliability.health";

  /** How long one run of a check may take before it counts as timed out (unhealthy). */
  public static final Setting<Duration> CHECK_TIMEOUT =
      Setting.durationSetting("check-timeout", ChronoUnit.SECONDS)
          .defaultValue(Duration.ofSeconds(5))
          .between(Duration.ofMillis(1), Duration.ofHours(1))
          .description("How long one run of a check may take before it counts as timed out")
          .build();

  /** How long a probe reuses a check's last result before running it again; 0s disables reuse. */
  public static final Setting<Duration> CACHE_TTL =
      Setting.durationSetting("cache-ttl", ChronoUnit.SECONDS)
          .defaultValue(Duration.ofSeconds(1))
          .between(Duration.ZERO, Duration.ofHours(1))
          .description(
              "How long probes reuse a check's last result before running it again (0s: never)")
          .build();

  /** Whether a check runs on the registry's schedule instead of when a probe asks. */
  public static final Setting<Boolean> BACKGROUND =
      Setting.booleanSetting("background")
          .defaultValue(false)
          .description("Run the check on a schedule; probes then only read its last result")
          .build();

  /** How often a background check runs. */
  public static final Setting<Duration> CHECK_INTERVAL =
      Setting.durationSetting("check-interval", ChronoUnit.SECONDS)
          .defaultValue(Duration.ofSeconds(60))
          .between(Duration.ofMillis(10), Duration.ofDays(1))
          .description("How often a background check runs")
          .build();

  /** The random spread applied to each background interval, as a fraction of it. */
  public static final Setting<Double> JITTER =
      Setting.percentageSetting("jitter")
          .defaultValue(0.1)
          .between(0.0, 0.5)
          .description("Random spread of each background interval, as a fraction of it")
          .build();

  /**
   * The age after which a background check's last result reports unknown. Default: twice the
   * interval plus the timeout.
   */
  public static final Setting<Duration> UNKNOWN_AFTER =
      Setting.durationSetting("unknown-after", ChronoUnit.SECONDS)
          .between(Duration.ofMillis(1), Duration.ofDays(7))
          .description(
              "Age after which a background result reports unknown (default: 2 intervals +"
                  + " timeout)")
          .build();

  /**
   * The age after which a background check's last result reports unhealthy. Default: four times the
   * interval plus the timeout.
   */
  public static final Setting<Duration> UNHEALTHY_AFTER =
      Setting.durationSetting("unhealthy-after", ChronoUnit.SECONDS)
          .between(Duration.ofMillis(1), Duration.ofDays(7))
          .description(
              "Age after which a background result reports unhealthy (default: 4 intervals +"
                  + " timeout)")
          .build();

  /** Consecutive failing runs before a healthy check reports the failure (flap damping). */
  public static final Setting<Integer> FAILURE_THRESHOLD =
      Setting.intSetting("failure-threshold")
          .defaultValue(1)
          .between(1, 1000)
          .description("Consecutive failing runs before a healthy check reports the failure")
          .build();

  /** Consecutive healthy runs before a failing check reports healthy again (flap damping). */
  public static final Setting<Integer> SUCCESS_THRESHOLD =
      Setting.intSetting("success-threshold")
          .defaultValue(1)
          .between(1, 1000)
          .description("Consecutive healthy runs before a failing check reports healthy again")
          .build();

  /** How long a check must have been failing before it reports the failure (flap damping). */
  public static final Setting<Duration> MIN_TIME_IN_ERROR =
      Setting.durationSetting("min-time-in-error", ChronoUnit.SECONDS)
          .defaultValue(Duration.ZERO)
          .between(Duration.ZERO, Duration.ofDays(1))
          .description("How long a check must have been failing before it reports the failure")
          .build();

  /** Whether a failing check makes its groups unhealthy (true) or only degraded (false). */
  public static final Setting<Boolean> CRITICAL =
      Setting.booleanSetting("critical")
          .defaultValue(true)
          .description("Whether a failing check makes its groups unhealthy rather than degraded")
          .build();

  /** The longest a probe waits for its checks before answering with what it has. */
  public static final Setting<Duration> PROBE_TIMEOUT =
      Setting.durationSetting("probe-timeout", ChronoUnit.SECONDS)
          .defaultValue(Duration.ofSeconds(5))
          .between(Duration.ofMillis(1), Duration.ofMinutes(10))
          .description("The longest a probe waits for its checks before answering")
          .build();

  /** How many checks of one registry may run at the same time. */
  public static final Setting<Integer> MAX_CONCURRENCY =
      Setting.intSetting("max-concurrency")
          .defaultValue(8)
          .between(1, 1024)
          .description("How many checks of one registry may run at the same time")
          .build();

  /** How long readiness reports unhealthy before a graceful shutdown lets the application stop. */
  public static final Setting<Duration> SHUTDOWN_DRAIN_TIME =
      Setting.durationSetting("shutdown-drain-time", ChronoUnit.SECONDS)
          .defaultValue(Duration.ofSeconds(30))
          .between(Duration.ZERO, Duration.ofHours(1))
          .description(
              "How long readiness reports unhealthy before a graceful shutdown lets the"
                  + " application stop")
          .build();

  /** The settings one check reads, per check name or shared. */
  public static final List<Setting<?>> CHECK_SETTINGS =
      List.of(
          CHECK_TIMEOUT,
          CACHE_TTL,
          BACKGROUND,
          CHECK_INTERVAL,
          JITTER,
          UNKNOWN_AFTER,
          UNHEALTHY_AFTER,
          FAILURE_THRESHOLD,
          SUCCESS_THRESHOLD,
          MIN_TIME_IN_ERROR,
          CRITICAL);

  /** The settings a registry reads. */
  public static final List<Setting<?>> REGISTRY_SETTINGS =
      List.of(PROBE_TIMEOUT, MAX_CONCURRENCY, SHUTDOWN_DRAIN_TIME);

  /** Every setting declared here. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          CHECK_TIMEOUT,
          CACHE_TTL,
          BACKGROUND,
          CHECK_INTERVAL,
          JITTER,
          UNKNOWN_AFTER,
          UNHEALTHY_AFTER,
          FAILURE_THRESHOLD,
          SUCCESS_THRESHOLD,
          MIN_TIME_IN_ERROR,
          CRITICAL,
          PROBE_TIMEOUT,
          MAX_CONCURRENCY,
          SHUTDOWN_DRAIN_TIME);

  /**
   * Canonical keys to the environment variable names that earlier hand-built services used, for
   * {@link dev.reliability.core.config.ConfigSource#withAliases(Map)}.
   */
  public static final Map<String, String> SEED_ALIASES =
      Map.of(
          PREFIX + ".check-timeout", "HEALTH_CHECK_TIMEOUT",
          PREFIX + ".check-interval", "HEALTH_CHECK_INTERVAL",
          PREFIX + ".shutdown-drain-time", "GRACEFUL_SHUTDOWN_TIMEOUT",
          PREFIX + ".memory-threshold", "HEALTH_MEMORY_THRESHOLD_MB");

  private HealthSettings() {}
}
