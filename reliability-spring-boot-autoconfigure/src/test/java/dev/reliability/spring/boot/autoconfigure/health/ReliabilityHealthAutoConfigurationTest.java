package dev.reliability.spring.boot.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckRegistration;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.HealthLifecycle;
import dev.reliability.health.HealthListener;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.HealthStatusChange;
import dev.reliability.spring.boot.autoconfigure.health.internal.ReliabilityHealthContributor;
import dev.reliability.spring.boot.autoconfigure.health.internal.ShutdownDrain;
import dev.reliability.spring.boot.autoconfigure.websocket.internal.WebSocketDrainLifecycle;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.DiskSpaceHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ReliabilityHealthAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ApplicationAvailabilityAutoConfiguration.class,
                  ReliabilityHealthAutoConfiguration.class));

  private final ApplicationContextRunner withActuator =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ApplicationAvailabilityAutoConfiguration.class,
                  HealthContributorAutoConfiguration.class,
                  DiskSpaceHealthContributorAutoConfiguration.class,
                  HealthContributorRegistryAutoConfiguration.class,
                  HealthEndpointAutoConfiguration.class,
                  AvailabilityProbesAutoConfiguration.class,
                  ReliabilityHealthAutoConfiguration.class));

  @Test
  void theRegistryReadsReliabilityHealthSettingsFromTheEnvironment() {
    runner
        .withPropertyValues(
            "reliability.health.probe-timeout=2s", "reliability.health.max-concurrency=3")
        .run(
            context -> {
              HealthCheckRegistry registry = context.getBean(HealthCheckRegistry.class);
              assertThat(registry.probeTimeout()).isEqualTo(Duration.ofSeconds(2));
              assertThat(registry.maxConcurrency()).isEqualTo(3);
            });
  }

  @Test
  void anInvalidHealthSettingFailsTheStartWithTheSettingAndItsValue() {
    runner
        .withPropertyValues("reliability.health.max-concurrency=0")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("reliability.health.max-concurrency")
                    .hasMessageContaining("was \"0\""));
  }

  @Test
  void healthCheckBeansAreRegisteredUnderTheirBeanNamesAndRegistrationBeansWithTheirOptions() {
    runner
        .withUserConfiguration(Checks.class)
        .withPropertyValues("reliability.health.queue.critical=false")
        .run(
            context -> {
              HealthCheckRegistry registry = context.getBean(HealthCheckRegistry.class);
              HealthCheckRegistration queue = registry.registration("queue").orElseThrow();
              assertThat(queue.groups()).containsExactly(HealthGroups.READINESS);
              assertThat(queue.config().critical()).isFalse();
              HealthCheckRegistration worker = registry.registration("worker").orElseThrow();
              assertThat(worker.groups()).containsExactly(HealthGroups.LIVENESS);
              assertThat(worker.kind()).isEqualTo(HealthCheckKind.SYSTEM);
              // The check inside the registration bean is not registered a second time.
              assertThat(registry.registrations())
                  .filteredOn(r -> r.check() == context.getBean(Checks.class).workerCheck)
                  .hasSize(1);
            });
  }

  @Test
  void healthListenerBeansHearTheRegistrysStatusChanges() {
    runner
        .withUserConfiguration(Checks.class)
        .run(
            context -> {
              HealthCheckRegistry registry = context.getBean(HealthCheckRegistry.class);
              registry.report(HealthGroups.LIVENESS);
              assertThat(context.getBean(Checks.class).changes)
                  .extracting(HealthStatusChange::subject)
                  .contains("worker");
            });
  }

  @Test
  void theDefaultChecksAreDeadlocksOnLivenessAndJvmMemoryOnReadiness() {
    runner.run(
        context -> {
          HealthCheckRegistry registry = context.getBean(HealthCheckRegistry.class);
          assertThat(registry.registration("deadlocks").orElseThrow().groups())
              .containsExactly(HealthGroups.LIVENESS);
          assertThat(registry.registration("jvm-memory").orElseThrow().groups())
              .containsExactly(HealthGroups.READINESS);
          assertThat(registry.registration("readiness-state").orElseThrow().groups())
              .containsExactly(HealthGroups.READINESS);
          assertThat(registry.registration("liveness-state").orElseThrow().groups())
              .containsExactly(HealthGroups.LIVENESS);
        });
  }

  @Test
  void anApplicationsCheckReplacesTheBuiltInCheckOfTheSameName() {
    HealthCheck own = () -> HealthCheckResult.healthy("own");
    runner
        .withBean("deadlocks", HealthCheck.class, () -> own)
        .withBean(
            "memory",
            HealthCheckRegistrationBean.class,
            () -> HealthCheckRegistrationBean.of("jvm-memory", own::check))
        .run(
            context -> {
              HealthCheckRegistry registry = context.getBean(HealthCheckRegistry.class);
              assertThat(registry.registration("deadlocks").orElseThrow().check()).isSameAs(own);
              assertThat(registry.registration("deadlocks").orElseThrow().groups())
                  .containsExactly(HealthGroups.READINESS);
              assertThat(registry.report(HealthGroups.READINESS).check("jvm-memory"))
                  .hasValueSatisfying(c -> assertThat(c.result().message()).isEqualTo("own"));
            });
  }

  @Test
  void aCheckWhoseNameTheRegistryRefusesFailsTheStartWithTheRule() {
    runner
        .withBean(
            HealthCheckRegistrationBean.class,
            () -> HealthCheckRegistrationBean.of("payments api", HealthCheckResult::healthy))
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasMessageStartingWith("Could not register the health check \"payments api\"")
                    .hasMessageContaining("check name must be letters, digits")
                    .hasMessageContaining("\"payments api\""));
  }

  @Test
  void theDefaultChecksAreLeftOutWhenSwitchedOff() {
    runner
        .withPropertyValues("reliability.health.defaults.enabled=false")
        .run(
            context -> {
              HealthCheckRegistry registry = context.getBean(HealthCheckRegistry.class);
              assertThat(registry.registration("deadlocks")).isEmpty();
              assertThat(registry.registration("jvm-memory")).isEmpty();
            });
  }

  @Test
  void nothingStartsWhenHealthIsSwitchedOff() {
    runner
        .withPropertyValues("reliability.health.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(HealthCheckRegistry.class);
              assertThat(context).doesNotHaveBean(ShutdownDrain.class);
            });
  }

  @Test
  void nothingStartsWhenTheHealthModuleIsMissing() {
    runner
        .withClassLoader(new FilteredClassLoader(HealthCheckRegistry.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(HealthCheckRegistry.class);
            });
  }

  @Test
  void withoutActuatorTheRegistryStillStartsAndNoContributorIsMade() {
    runner
        .withClassLoader(
            new FilteredClassLoader(
                "org.springframework.boot.health.", "org.springframework.boot.actuate."))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(HealthCheckRegistry.class);
              assertThat(context).doesNotHaveBean(ReliabilityHealthContributor.class);
            });
  }

  @Test
  void withActuatorTheRegistryIsAContributorUnlessSwitchedOff() {
    withActuator.run(
        context -> assertThat(context).hasSingleBean(ReliabilityHealthContributor.class));
    withActuator
        .withPropertyValues("reliability.health.actuator.enabled=false")
        .run(
            context -> {
              assertThat(context).hasSingleBean(HealthCheckRegistry.class);
              assertThat(context).doesNotHaveBean(ReliabilityHealthContributor.class);
              assertThat(context.getBean(HealthCheckRegistry.class).registration("diskSpace"))
                  .isEmpty();
            });
  }

  @Test
  void actuatorIndicatorsAreReadIntoTheRegistryWithoutItsOwnContributor() {
    withActuator.run(
        context -> {
          HealthCheckRegistry registry = context.getBean(HealthCheckRegistry.class);
          HealthCheckRegistration disk = registry.registration("diskSpace").orElseThrow();
          assertThat(disk.groups()).containsExactly("actuator");
          assertThat(disk.kind()).isEqualTo(HealthCheckKind.SYSTEM);
          assertThat(registry.report("actuator").check("diskSpace").orElseThrow().result().status())
              .isEqualTo(HealthStatus.HEALTHY);
          assertThat(registry.registrations())
              .extracting(HealthCheckRegistration::name)
              .doesNotContain("reliability", "ping", "livenessState", "readinessState");
        });
  }

  @Test
  void anApplicationsOwnRegistryIsUsedInstead() {
    runner
        .withUserConfiguration(OwnRegistry.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(HealthCheckRegistry.class);
              HealthCheckRegistry own = context.getBean(HealthCheckRegistry.class);
              assertThat(own.name()).isEqualTo("own");
              assertThat(own.registration("deadlocks")).isPresent();
              assertThat(context).hasSingleBean(ShutdownDrain.class);
            });
  }

  @Test
  void customizersAdjustTheBuilderAndSettingsStillWin() {
    runner
        .withBean(
            HealthCheckRegistryCustomizer.class,
            () -> b -> b.name("custom").probeTimeout(Duration.ofSeconds(4)))
        .withPropertyValues("reliability.health.probe-timeout=1s")
        .run(
            context -> {
              HealthCheckRegistry registry = context.getBean(HealthCheckRegistry.class);
              assertThat(registry.name()).isEqualTo("custom");
              assertThat(registry.probeTimeout()).isEqualTo(Duration.ofSeconds(1));
            });
  }

  @Test
  void theDrainTimeIsZeroOffKubernetesThirtySecondsOnItAndTheSettingWins() {
    runner.run(
        context ->
            assertThat(context.getBean(HealthCheckRegistry.class).lifecycle().drainTime())
                .isZero());
    runner
        .withPropertyValues("spring.main.cloud-platform=kubernetes")
        .run(
            context ->
                assertThat(context.getBean(HealthCheckRegistry.class).lifecycle().drainTime())
                    .isEqualTo(Duration.ofSeconds(30)));
    runner
        .withPropertyValues(
            "spring.main.cloud-platform=kubernetes", "reliability.health.shutdown-drain-time=5s")
        .run(
            context ->
                assertThat(context.getBean(HealthCheckRegistry.class).lifecycle().drainTime())
                    .isEqualTo(Duration.ofSeconds(5)));
  }

  @Test
  void springsAvailabilityStatesDecideTheRegistrysProbesToo() {
    runner.run(
        context -> {
          HealthCheckRegistry registry = context.getBean(HealthCheckRegistry.class);
          registry.lifecycle().markStartupComplete();
          AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
          assertThat(registry.readiness().check("readiness-state").orElseThrow().result().status())
              .isEqualTo(HealthStatus.HEALTHY);

          AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
          assertThat(registry.readiness().status()).isEqualTo(HealthStatus.UNHEALTHY);
          assertThat(registry.readiness().check("readiness-state").orElseThrow().result().message())
              .isEqualTo("Spring readiness state is REFUSING_TRAFFIC");

          AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
          AvailabilityChangeEvent.publish(context, LivenessState.BROKEN);
          assertThat(registry.readiness().check("readiness-state").orElseThrow().result().status())
              .isEqualTo(HealthStatus.HEALTHY);
          assertThat(registry.liveness().status()).isEqualTo(HealthStatus.UNHEALTHY);
        });
  }

  @Test
  void untilTheApplicationIsReadyTheStartupProbeAndReadinessFail() {
    runner.run(
        context -> {
          HealthCheckRegistry registry = context.getBean(HealthCheckRegistry.class);
          assertThat(registry.startup().status()).isEqualTo(HealthStatus.UNHEALTHY);
          assertThat(registry.startup().message()).isEqualTo("startup not complete");
          assertThat(registry.readiness().status()).isEqualTo(HealthStatus.UNHEALTHY);
        });
  }

  @Test
  void closingTheContextBeginsTheShutdownAndTurnsSpringsReadinessToRefusing() {
    HealthLifecycle[] lifecycle = new HealthLifecycle[1];
    ApplicationAvailability[] availability = new ApplicationAvailability[1];
    runner.run(
        context -> {
          lifecycle[0] = context.getBean(HealthCheckRegistry.class).lifecycle();
          availability[0] = context.getBean(ApplicationAvailability.class);
          AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
          assertThat(lifecycle[0].isShuttingDown()).isFalse();
        });

    assertThat(lifecycle[0].phase()).isEqualTo(HealthLifecycle.Phase.DRAINING);
    assertThat(availability[0].getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
  }

  @Test
  void theDrainStopsBeforeTheWebSocketDrainAndTheWebServersGracefulShutdown() {
    // Higher phases stop first.
    assertThat(ShutdownDrain.PHASE).isGreaterThan(WebSocketDrainLifecycle.PHASE);
    assertThat(WebSocketDrainLifecycle.PHASE)
        .isGreaterThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE);
  }

  @Test
  void aContextThatNeverBecameReadyClosesWithoutWaitingForTheDrainTime() {
    ManualTimeSource time = ManualTimeSource.create();
    // On a manual clock that never moves, a drain would wait for ever.
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () ->
            runner
                .withBean(HealthCheckRegistryCustomizer.class, () -> b -> b.timeSource(time))
                .withPropertyValues("reliability.health.shutdown-drain-time=30s")
                .run(context -> assertThat(context).hasNotFailed()));
  }

  @Test
  void theRegistrysThreadsEndWhenTheContextCloses() {
    runner
        .withBean(HealthCheckRegistryCustomizer.class, () -> b -> b.name("closing"))
        .run(
            context -> {
              context.getBean(HealthCheckRegistry.class).readiness();
              assertThat(healthThreads()).isNotEmpty();
            });
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(healthThreads()).isEmpty());
  }

  private static List<String> healthThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("reliability-health-closing-"))
        .toList();
  }

  @Configuration(proxyBeanMethods = false)
  static class Checks {
    final HealthCheck workerCheck = HealthCheckResult::healthy;
    final List<HealthStatusChange> changes = new CopyOnWriteArrayList<>();

    @Bean
    HealthCheck queue() {
      return () -> HealthCheckResult.healthy("3 queued");
    }

    @Bean
    HealthCheckRegistrationBean workerRegistration() {
      return HealthCheckRegistrationBean.of(
          "worker",
          workerCheck,
          HealthCheckConfig.builder()
              .groups(HealthGroups.LIVENESS)
              .kind(HealthCheckKind.SYSTEM)
              .build());
    }

    @Bean
    HealthListener recordingListener() {
      return new HealthListener() {
        @Override
        public void onStatusChanged(HealthStatusChange change) {
          changes.add(change);
        }
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnRegistry {
    @Bean(destroyMethod = "close")
    HealthCheckRegistry ownRegistry() {
      return HealthCheckRegistry.builder().name("own").shutdownDrainTime(Duration.ZERO).build();
    }
  }
}
