package dev.reliability.spring.boot.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.ConnectionTransport;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.metrics.PolicyMetrics;
import dev.reliability.metrics.ReliabilityMetrics;
import dev.reliability.spring.boot.autoconfigure.metrics.internal.BeanMeterBinder;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.jvm.JvmMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.system.SystemMetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ReliabilityMetricsAutoConfigurationTest {

  private static final AutoConfigurations BOOT_METRICS =
      AutoConfigurations.of(
          MetricsAutoConfiguration.class,
          CompositeMeterRegistryAutoConfiguration.class,
          SimpleMetricsExportAutoConfiguration.class,
          JvmMetricsAutoConfiguration.class,
          SystemMetricsAutoConfiguration.class);

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(BOOT_METRICS)
          .withConfiguration(AutoConfigurations.of(ReliabilityMetricsAutoConfiguration.class))
          .withUserConfiguration(Objects.class);

  @Test
  void theBindersOfThePoliciesAndConnectionRegistriesInTheContextBindToItsMeterRegistry() {
    runner.run(
        context -> {
          MeterRegistry meters = context.getBean(MeterRegistry.class);
          assertThat(meters.find(PolicyMetrics.CALLS).tag("name", "quote-backend").meters())
              .isNotEmpty();
          assertThat(
                  meters.find(PolicyMetrics.RETRY_ATTEMPTS).tag("name", "quote-backend").meters())
              .hasSize(1);
          assertThat(
                  meters.get("reliability.connections.max").tag("registry", "chat").gauge().value())
              .isEqualTo(5);
          assertThat(context).doesNotHaveBean("reliabilityHealthMetrics");
          assertThat(context).doesNotHaveBean("reliabilityLeakDetectorMetrics");
        });
  }

  @Test
  void ourAutoConfigurationAddsOnlyReliabilityMetersAndLeavesTheJvmMetersToBoot() {
    Set<String> withoutOurs = new TreeSet<>();
    new ApplicationContextRunner()
        .withConfiguration(BOOT_METRICS)
        .withUserConfiguration(Objects.class)
        .run(context -> withoutOurs.addAll(names(context.getBean(MeterRegistry.class))));
    Set<String> withOurs = new TreeSet<>();
    runner.run(context -> withOurs.addAll(names(context.getBean(MeterRegistry.class))));

    assertThat(withoutOurs).contains("jvm.memory.used", "process.cpu.usage");
    Set<String> added = new TreeSet<>(withOurs);
    added.removeAll(withoutOurs);
    assertThat(added).isNotEmpty().allMatch(name -> name.startsWith("reliability."));
    assertThat(withOurs).containsAll(withoutOurs);
  }

  @Test
  void theMetersOurBindersRegisteredAreRemovedWhenTheContextCloses() {
    SimpleMeterRegistry outliving = new SimpleMeterRegistry();
    AtomicReference<Integer> whileRunning = new AtomicReference<>();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ReliabilityMetricsAutoConfiguration.class))
        .withUserConfiguration(Objects.class)
        .withBean(MeterRegistry.class, () -> outliving)
        .run(
            context -> {
              // Bound by hand here: without Boot's metrics auto-configuration nobody else does.
              context
                  .getBeansOfType(BeanMeterBinder.class)
                  .values()
                  .forEach(b -> b.bindTo(outliving));
              whileRunning.set(outliving.find("reliability.connections.active").meters().size());
            });

    assertThat(whileRunning.get()).isEqualTo(1);
    assertThat(outliving.find("reliability.connections.active").meters()).isEmpty();
    assertThat(outliving.getMeters())
        .noneMatch(m -> m.getId().getName().startsWith("reliability."));
  }

  @Test
  void nothingIsBoundWithoutAMeterRegistry() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ReliabilityMetricsAutoConfiguration.class))
        .withUserConfiguration(Objects.class)
        .run(context -> assertThat(context).doesNotHaveBean(BeanMeterBinder.class));
  }

  @Test
  void nothingIsBoundWhenSwitchedOff() {
    runner
        .withPropertyValues("reliability.metrics.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(BeanMeterBinder.class);
              assertThat(context.getBean(MeterRegistry.class).find(PolicyMetrics.CALLS).meters())
                  .isEmpty();
            });
  }

  @Test
  void theSwitchReadsEveryFormTheSettingAcceptsAndTheSeedName() {
    for (String off : new String[] {"reliability.metrics.enabled=off", "ENABLE_METRICS=0"}) {
      runner
          .withPropertyValues(off)
          .run(context -> assertThat(context).as(off).doesNotHaveBean(BeanMeterBinder.class));
    }
    runner
        .withPropertyValues("reliability.metrics.enabled=yes")
        .run(context -> assertThat(context).hasBean("reliabilityPolicyMetrics"));
  }

  @Test
  void anInvalidSwitchFailsTheStartWithTheSettingsMessage() {
    runner
        .withPropertyValues("reliability.metrics.enabled=maybe")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("reliability.metrics.enabled must be true or false");
            });
  }

  @Test
  void nothingIsBoundWithoutReliabilityMetricsOnTheClassPath() {
    runner
        .withClassLoader(new FilteredClassLoader(ReliabilityMetrics.class))
        .run(context -> assertThat(context).doesNotHaveBean(BeanMeterBinder.class));
  }

  @Test
  void healthMetersNeedReliabilityHealthOnTheClassPath() {
    runner
        .withClassLoader(new FilteredClassLoader(HealthCheckRegistry.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean("reliabilityHealthMetrics");
              assertThat(context).hasBean("reliabilityPolicyMetrics");
            });
  }

  @Test
  void anApplicationsOwnPolicyMetricsReplacesOurs() {
    runner
        .withBean(
            "ownPolicyMetrics",
            PolicyMetrics.class,
            () -> PolicyMetrics.of(PolicyRegistry.ofDefaults()))
        .run(
            context -> {
              assertThat(context).doesNotHaveBean("reliabilityPolicyMetrics");
              assertThat(context).hasBean("reliabilityConnectionRegistryMetrics");
            });
  }

  private static Set<String> names(MeterRegistry meters) {
    Set<String> names = new TreeSet<>();
    for (Meter meter : meters.getMeters()) {
      names.add(meter.getId().getName());
    }
    return names;
  }

  /** A policy registry with one retrying policy and a small connection registry. */
  @Configuration(proxyBeanMethods = false)
  static class Objects {
    @Bean(destroyMethod = "close")
    PolicyRegistry policyRegistry() {
      PolicyRegistry registry = PolicyRegistries.retryingOnce();
      registry.policy("quote-backend");
      return registry;
    }

    @Bean(destroyMethod = "close")
    ConnectionRegistry<Object> chat() {
      return ConnectionRegistry.builder(ConnectionTransport.discarding())
          .config(
              ConnectionRegistryConfig.builder()
                  .name("chat")
                  .maxConnections(5)
                  .sweepInterval(Duration.ZERO)
                  .build())
          .build();
    }
  }
}
