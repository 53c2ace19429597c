package dev.reliability.spring.boot.autoconfigure.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.leak.LeakGauge;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.checks.LeakDetectorHealthCheck;
import dev.reliability.spring.boot.autoconfigure.health.HealthCheckRegistrationBean;
import dev.reliability.spring.boot.autoconfigure.health.ReliabilityHealthAutoConfiguration;
import dev.reliability.spring.boot.autoconfigure.leak.internal.LeakDetectorLifecycle;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

class ReliabilityLeakDetectionAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ReliabilityHealthAutoConfiguration.class,
                  ReliabilityLeakDetectionAutoConfiguration.class));

  @Test
  void theDetectorsThreadStartsWithTheContextAndNoThreadIsLeftAfterClose() {
    Set<Thread> before = detectorThreads();
    Set<Thread> started = new java.util.HashSet<>();

    runner.run(
        context -> {
          assertThat(context).hasSingleBean(LeakDetector.class);
          Set<Thread> now = detectorThreads();
          now.removeAll(before);
          assertThat(now).hasSize(1);
          started.addAll(now);
        });

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(started).noneMatch(Thread::isAlive));
  }

  @Test
  void theDetectorStartsBeforeTheWebServerAndStopsAfterIt() {
    // Lower phases start first and stop last: the detector samples through the shutdown drain.
    assertThat(LeakDetectorLifecycle.PHASE)
        .isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE);
    runner.run(
        context ->
            assertThat(context.getBean(LeakDetectorLifecycle.class).getPhase())
                .isEqualTo(LeakDetectorLifecycle.PHASE));
  }

  @Test
  void theDetectorReadsReliabilityLeakSettingsAndWatchesGaugeBeans() {
    runner
        .withPropertyValues("reliability.leak.sample-interval=4s")
        .withBean(
            "sessionsGauge", LeakGauge.class, () -> LeakGauge.builder("sessions", () -> 3).build())
        .run(
            context -> {
              LeakDetector detector = context.getBean(LeakDetector.class);
              assertThat(detector.config().sampleInterval()).isEqualTo(Duration.ofSeconds(4));
              assertThat(detector.report().gauge("sessions")).isPresent();
            });
  }

  @Test
  void anInvalidLeakSettingFailsTheStartWithTheSetting() {
    runner
        .withPropertyValues("reliability.leak.sample-interval=0s")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("reliability.leak.sample-interval"));
  }

  @Test
  void itsHealthCheckIsRegisteredAsLeakDetector() {
    runner.run(
        context ->
            assertThat(
                    context
                        .getBean(HealthCheckRegistry.class)
                        .registration("leak-detector")
                        .orElseThrow()
                        .check())
                .isInstanceOf(LeakDetectorHealthCheck.class));
  }

  @Test
  void withoutTheHealthModuleTheDetectorStartsWithoutItsCheck() {
    runner
        .withClassLoader(new FilteredClassLoader(HealthCheckRegistry.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(LeakDetector.class);
              assertThat(context).doesNotHaveBean(HealthCheckRegistrationBean.class);
            });
  }

  @Test
  void nothingStartsWhenLeakDetectionIsSwitchedOff() {
    runner
        .withPropertyValues("reliability.leak.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(LeakDetector.class);
              assertThat(context.getBean(HealthCheckRegistry.class).registration("leak-detector"))
                  .isEmpty();
            });
  }

  private static Set<Thread> detectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("reliability-leak-detector-"))
        .collect(Collectors.toSet());
  }
}
