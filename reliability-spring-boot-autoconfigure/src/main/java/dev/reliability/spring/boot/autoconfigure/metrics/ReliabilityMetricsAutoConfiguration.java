package dev.reliability.spring.boot.autoconfigure.metrics;

import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.metrics.ConnectionRegistryMetrics;
import dev.reliability.metrics.HealthMetrics;
import dev.reliability.metrics.KeyedPolicyMetrics;
import dev.reliability.metrics.LeakDetectorMetrics;
import dev.reliability.metrics.PolicyMetrics;
import dev.reliability.metrics.ReliabilityMetrics;
import dev.reliability.spring.boot.autoconfigure.health.ReliabilityHealthAutoConfiguration;
import dev.reliability.spring.boot.autoconfigure.leak.ReliabilityLeakDetectionAutoConfiguration;
import dev.reliability.spring.boot.autoconfigure.metrics.internal.BeanMeterBinder;
import dev.reliability.spring.boot.autoconfigure.metrics.internal.MetricsEnabledCondition;
import dev.reliability.spring.boot.autoconfigure.metrics.internal.RoundTripTimerBinder;
import dev.reliability.spring.boot.autoconfigure.policy.ReliabilityPolicyAutoConfiguration;
import dev.reliability.spring.boot.autoconfigure.websocket.ReliabilityWebSocketAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The library's binders on the application's {@link MeterRegistry}, for whichever of its objects
 * the context holds: {@link PolicyMetrics} and {@link KeyedPolicyMetrics} for each {@link
 * PolicyRegistry} bean (following the policies it creates later), {@link HealthMetrics} for each
 * {@code HealthCheckRegistry} bean (with reliability-health), {@link ConnectionRegistryMetrics} for
 * each {@link ConnectionRegistry} bean (and the heartbeat round-trip timer of the auto-configured
 * WebSocket registry) and {@link LeakDetectorMetrics} for each {@link LeakDetector} bean. Each is a
 * {@code MeterBinder} bean that Spring Boot binds as it binds its own, to the composite registry
 * when there are several; the meters they registered are removed when the context closes.
 *
 * <p>Left to Spring Boot, never bound a second time: the JVM, process and system meters ({@code
 * ReliabilityMetrics}' runtime binders), Tomcat's meters, the HTTP server metrics, the Prometheus
 * scrape ({@code /actuator/prometheus}) and common tags ({@code management.metrics.tags.*}).
 *
 * <p>Starts when Micrometer and reliability-metrics are on the class path and the context has a
 * {@code MeterRegistry} (after Spring Boot's metrics auto-configuration); {@code
 * reliability.metrics.enabled=false} (or {@code no}, {@code off}, {@code 0}, or the seed's {@code
 * ENABLE_METRICS}) turns it off. A binder bean of the application's own of the same library type
 * ({@code PolicyMetrics}, ...) replaces ours.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
    },
    after = {
      ReliabilityPolicyAutoConfiguration.class,
      ReliabilityHealthAutoConfiguration.class,
      ReliabilityLeakDetectionAutoConfiguration.class,
      ReliabilityWebSocketAutoConfiguration.class
    })
@ConditionalOnClass({MeterRegistry.class, ReliabilityMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
@Conditional(MetricsEnabledCondition.class)
public class ReliabilityMetricsAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public ReliabilityMetricsAutoConfiguration() {}

  /**
   * {@link PolicyMetrics} for every policy registry: {@code reliability.policy.*}, {@code
   * reliability.circuitbreaker.*}, {@code reliability.retry.*} and the other component meters.
   *
   * @param registries the policy registries
   * @return the binder
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnBean(PolicyRegistry.class)
  @ConditionalOnMissingBean(PolicyMetrics.class)
  public BeanMeterBinder<PolicyRegistry> reliabilityPolicyMetrics(
      ObjectProvider<PolicyRegistry> registries) {
    return new BeanMeterBinder<>(registries, PolicyMetrics::of);
  }

  /**
   * {@link KeyedPolicyMetrics} for the keyed policies of every policy registry: {@code
   * reliability.keyed.*}.
   *
   * @param registries the policy registries
   * @return the binder
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnBean(PolicyRegistry.class)
  @ConditionalOnMissingBean(KeyedPolicyMetrics.class)
  public BeanMeterBinder<PolicyRegistry> reliabilityKeyedPolicyMetrics(
      ObjectProvider<PolicyRegistry> registries) {
    return new BeanMeterBinder<>(registries, KeyedPolicyMetrics::of);
  }

  /**
   * {@link ConnectionRegistryMetrics} for every connection registry: {@code
   * reliability.connections.*}.
   *
   * @param registries the connection registries
   * @return the binder
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnBean(ConnectionRegistry.class)
  @ConditionalOnMissingBean(ConnectionRegistryMetrics.class)
  public BeanMeterBinder<ConnectionRegistry<?>> reliabilityConnectionRegistryMetrics(
      ObjectProvider<ConnectionRegistry<?>> registries) {
    return new BeanMeterBinder<>(registries, ConnectionRegistryMetrics::of);
  }

  /**
   * {@link LeakDetectorMetrics} for every leak detector: {@code reliability.leak.*}.
   *
   * @param detectors the leak detectors
   * @return the binder
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnBean(LeakDetector.class)
  @ConditionalOnMissingBean(LeakDetectorMetrics.class)
  public BeanMeterBinder<LeakDetector> reliabilityLeakDetectorMetrics(
      ObjectProvider<LeakDetector> detectors) {
    return new BeanMeterBinder<>(detectors, LeakDetectorMetrics::of);
  }

  /**
   * The heartbeat round-trip timer {@code reliability.connections.round.trip{registry="websocket"}}
   * of the WebSocket registry the auto-configuration builds: a {@code ConnectionListener} bean,
   * which that registry takes, bound like the other binders.
   *
   * @return the listener and binder
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnBean(name = "reliabilityWebSocketConnectionRegistry")
  @ConditionalOnMissingBean(name = "reliabilityWebSocketRoundTripTimer")
  public RoundTripTimerBinder reliabilityWebSocketRoundTripTimer() {
    return new RoundTripTimerBinder(ConnectionRegistryConfig.DEFAULT_NAME);
  }

  /** Health meters, with reliability-health on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthCheckRegistry.class)
  static class HealthMetricsConfiguration {

    /**
     * {@link HealthMetrics} for every health-check registry: {@code reliability.health.*}.
     *
     * @param registries the health-check registries
     * @return the binder
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnBean(HealthCheckRegistry.class)
    @ConditionalOnMissingBean(HealthMetrics.class)
    BeanMeterBinder<HealthCheckRegistry> reliabilityHealthMetrics(
        ObjectProvider<HealthCheckRegistry> registries) {
      return new BeanMeterBinder<>(registries, HealthMetrics::of);
    }
  }
}
