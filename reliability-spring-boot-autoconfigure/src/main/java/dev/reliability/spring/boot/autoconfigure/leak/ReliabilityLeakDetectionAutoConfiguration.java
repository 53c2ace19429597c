package dev.reliability.spring.boot.autoconfigure.leak;

import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.leak.LeakDetectorConfig;
import dev.reliability.core.leak.LeakGauge;
import dev.reliability.core.leak.LeakListener;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.checks.LeakDetectorHealthCheck;
import dev.reliability.spring.boot.autoconfigure.SpringConfigSource;
import dev.reliability.spring.boot.autoconfigure.health.HealthCheckRegistrationBean;
import dev.reliability.spring.boot.autoconfigure.health.ReliabilityHealthAutoConfiguration;
import dev.reliability.spring.boot.autoconfigure.leak.internal.LeakDetectorLifecycle;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Leak detection: one {@link LeakDetector} bean configured from {@code reliability.leak.*} (through
 * {@link SpringConfigSource}), watching the heap after GC, the standard JVM gauges and every {@link
 * LeakGauge} bean, telling every {@link LeakListener} bean. Its sampling thread ({@code
 * reliability-leak-detector-default}) starts when the context has refreshed and is closed with the
 * context. With the health auto-configuration, its {@link LeakDetectorHealthCheck} is registered as
 * {@code leak-detector} (readiness; degraded while a leak is suspected, unhealthy when exhaustion
 * is projected within {@code reliability.leak.exhaustion-horizon}). Its meters are bound by the
 * metrics auto-configuration.
 *
 * <p>On by default, as the plain service wires it: one daemon thread sampling every {@code
 * reliability.leak.sample-interval} (5s) and a listener on the JVM's GC notifications. Off with
 * {@code reliability.leak.enabled=false}, the detector's own setting: then no bean is created.
 */
@AutoConfiguration(after = ReliabilityHealthAutoConfiguration.class)
@ConditionalOnClass(LeakDetector.class)
@ConditionalOnBooleanProperty(name = "reliability.leak.enabled", matchIfMissing = true)
public class ReliabilityLeakDetectionAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public ReliabilityLeakDetectionAutoConfiguration() {}

  /**
   * The detector, closed with the context.
   *
   * @param environment the environment its settings come from
   * @param gauges gauges to watch besides the heap and the JVM's
   * @param listeners listeners of its state changes
   * @return the detector, not started yet
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public LeakDetector leakDetector(
      Environment environment,
      ObjectProvider<LeakGauge> gauges,
      ObjectProvider<LeakListener> listeners) {
    LeakDetector.Builder builder =
        LeakDetector.builder()
            .config(LeakDetectorConfig.ofDefaults())
            .configSource(SpringConfigSource.of(environment));
    gauges.orderedStream().forEach(builder::gauge);
    listeners.orderedStream().forEach(builder::listener);
    return builder.build();
  }

  /**
   * Starts the detector's thread with the context and closes it on stop.
   *
   * @param detector the detector
   * @return the lifecycle
   */
  @Bean
  @ConditionalOnMissingBean
  public LeakDetectorLifecycle leakDetectorLifecycle(LeakDetector detector) {
    return new LeakDetectorLifecycle(detector);
  }

  /** The detector's health check. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({HealthCheckRegistry.class, LeakDetectorHealthCheck.class})
  @ConditionalOnBean(HealthCheckRegistry.class)
  static class LeakHealthCheckConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "leakDetectorHealthCheck")
    HealthCheckRegistrationBean leakDetectorHealthCheck(LeakDetector detector) {
      return HealthCheckRegistrationBean.fallback(
          "leak-detector", LeakDetectorHealthCheck.of(detector), HealthCheckConfig.ofDefaults());
    }
  }
}
