package dev.reliability.spring.boot.autoconfigure.health;

import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.checks.JvmMemoryHealthCheck;
import dev.reliability.health.checks.ThreadHealthCheck;
import dev.reliability.spring.boot.autoconfigure.SpringConfigSource;
import dev.reliability.spring.boot.autoconfigure.health.internal.ActuatorIndicators;
import dev.reliability.spring.boot.autoconfigure.health.internal.AvailabilityStateHealthCheck;
import dev.reliability.spring.boot.autoconfigure.health.internal.ProbeGroupsPostProcessor;
import dev.reliability.spring.boot.autoconfigure.health.internal.ReliabilityHealthContributor;
import dev.reliability.spring.boot.autoconfigure.health.internal.ShutdownDrain;
import java.time.Duration;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * Health: one {@link HealthCheckRegistry} configured from {@code reliability.health.*}, every
 * {@code HealthCheck} and {@link HealthCheckRegistrationBean} bean registered in it, probes that
 * follow Spring's lifecycle, and, with Actuator, both views joined.
 *
 * <ul>
 *   <li><b>Registry</b>: settings from Spring's environment through {@link SpringConfigSource}
 *       (every key of the configuration reference, per check too), adjusted by {@link
 *       HealthCheckRegistryCustomizer} beans; closed with the context. The shutdown drain time
 *       defaults to 30s on Kubernetes (Spring Boot's cloud-platform detection) and to 0s elsewhere,
 *       unless {@code reliability.health.shutdown-drain-time} is set.
 *   <li><b>Checks</b>: {@code HealthCheck} beans under their bean names (readiness, critical),
 *       {@link HealthCheckRegistrationBean} beans with their options, {@code HealthListener} beans
 *       as listeners; registered once every singleton exists. Built-in and on unless {@code
 *       reliability.health.defaults.enabled=false}: {@code deadlocks} (liveness) and {@code
 *       jvm-memory} (readiness), in-process and cheap, as Actuator's defaults are; plus {@code
 *       readiness-state} and {@code liveness-state}, Spring's availability states read live.
 *   <li><b>Lifecycle</b>: startup completes on {@code ApplicationReadyEvent}; on close, readiness
 *       fails at once and the web server keeps serving for the drain time before Spring's graceful
 *       shutdown begins ({@link ShutdownDrain}).
 *   <li><b>Actuator</b> (when {@code spring-boot-health} and Actuator are present, unless {@code
 *       reliability.health.actuator.enabled=false}): the registry's checks under {@code
 *       /actuator/health/reliability}, joined to Actuator's {@code liveness} and {@code readiness}
 *       groups after their groups in the registry; Actuator's own indicators read into the registry
 *       as checks of the group {@code actuator}.
 * </ul>
 *
 * <p>Off with {@code reliability.health.enabled=false}.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration",
      "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration",
      "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration"
    })
@ConditionalOnClass(HealthCheckRegistry.class)
@ConditionalOnBooleanProperty(name = "reliability.health.enabled", matchIfMissing = true)
public class ReliabilityHealthAutoConfiguration {

  /** The drain time on Kubernetes when none is configured. */
  static final Duration KUBERNETES_DRAIN_TIME = Duration.ofSeconds(30);

  /** Creates the auto-configuration; Spring calls it. */
  public ReliabilityHealthAutoConfiguration() {}

  /**
   * The registry.
   *
   * @param environment the environment its settings come from
   * @param customizers adjustments to its builder
   * @return the registry, closed with the context
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public HealthCheckRegistry healthCheckRegistry(
      Environment environment, ObjectProvider<HealthCheckRegistryCustomizer> customizers) {
    HealthCheckRegistry.Builder builder =
        HealthCheckRegistry.builder()
            .configSource(SpringConfigSource.of(environment))
            .shutdownDrainTime(
                CloudPlatform.getActive(environment) == CloudPlatform.KUBERNETES
                    ? KUBERNETES_DRAIN_TIME
                    : Duration.ZERO);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /**
   * Registers the checks once every singleton exists.
   *
   * @param registry the registry
   * @param beans the bean factory
   * @param actuator Actuator's indicators, when Actuator is present
   * @return the registrar
   */
  @Bean
  static HealthCheckRegistrar reliabilityHealthCheckRegistrar(
      HealthCheckRegistry registry,
      ListableBeanFactory beans,
      ObjectProvider<ActuatorIndicators> actuator) {
    return new HealthCheckRegistrar(registry, beans, actuator);
  }

  /**
   * Spring's lifecycle driving the registry's, and the drain before the web server stops.
   *
   * @param registry the registry
   * @param context the application context
   * @param availability Spring's availability
   * @return the bridge
   */
  @Bean
  @ConditionalOnMissingBean
  public ShutdownDrain reliabilityShutdownDrain(
      HealthCheckRegistry registry,
      ApplicationContext context,
      ObjectProvider<ApplicationAvailability> availability) {
    return new ShutdownDrain(registry.lifecycle(), context, availability);
  }

  /** Spring's availability states as live checks. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(ApplicationAvailability.class)
  static class AvailabilityChecks {

    @Bean
    @ConditionalOnMissingBean(name = "readinessStateHealthCheck")
    HealthCheckRegistrationBean readinessStateHealthCheck(ApplicationAvailability availability) {
      return HealthCheckRegistrationBean.fallback(
          "readiness-state",
          AvailabilityStateHealthCheck.readiness(availability),
          HealthCheckConfig.builder().groups(HealthGroups.READINESS).build());
    }

    @Bean
    @ConditionalOnMissingBean(name = "livenessStateHealthCheck")
    HealthCheckRegistrationBean livenessStateHealthCheck(ApplicationAvailability availability) {
      return HealthCheckRegistrationBean.fallback(
          "liveness-state",
          AvailabilityStateHealthCheck.liveness(availability),
          HealthCheckConfig.builder().groups(HealthGroups.LIVENESS).build());
    }
  }

  /** The built-in checks that are cheap and in-process. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "reliability.health.defaults.enabled", matchIfMissing = true)
  static class DefaultChecks {

    @Bean
    @ConditionalOnMissingBean(name = "deadlocksHealthCheck")
    HealthCheckRegistrationBean deadlocksHealthCheck() {
      return HealthCheckRegistrationBean.fallback(
          "deadlocks",
          ThreadHealthCheck.ofDefaults(),
          HealthCheckConfig.builder().groups(HealthGroups.LIVENESS).build());
    }

    @Bean
    @ConditionalOnMissingBean(name = "jvmMemoryHealthCheck")
    HealthCheckRegistrationBean jvmMemoryHealthCheck() {
      return HealthCheckRegistrationBean.fallback(
          "jvm-memory", JvmMemoryHealthCheck.ofDefaults(), HealthCheckConfig.ofDefaults());
    }
  }

  /** Actuator, both ways. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.boot.health.contributor.HealthContributor",
        "org.springframework.boot.actuate.endpoint.annotation.Endpoint"
      })
  @ConditionalOnBooleanProperty(name = "reliability.health.actuator.enabled", matchIfMissing = true)
  static class ActuatorConfiguration {

    /** The name Actuator gives the composite, after its bean name without the suffix. */
    static final String CONTRIBUTOR_NAME = "reliability";

    @Bean
    @ConditionalOnMissingBean(name = "reliabilityHealthContributor")
    ReliabilityHealthContributor reliabilityHealthContributor(HealthCheckRegistry registry) {
      return new ReliabilityHealthContributor(registry);
    }

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    ProbeGroupsPostProcessor reliabilityProbeGroupsPostProcessor(HealthCheckRegistry registry) {
      return new ProbeGroupsPostProcessor(CONTRIBUTOR_NAME, registry);
    }

    @Bean
    ActuatorIndicators reliabilityActuatorIndicators(
        ObjectProvider<HealthContributorRegistry> contributors,
        ObjectProvider<ReactiveHealthContributorRegistry> reactiveContributors,
        ObjectProvider<HealthEndpointGroups> groups,
        ObjectProvider<ReliabilityHealthContributor> own) {
      return new ActuatorIndicators(contributors, reactiveContributors, groups, own);
    }
  }
}
