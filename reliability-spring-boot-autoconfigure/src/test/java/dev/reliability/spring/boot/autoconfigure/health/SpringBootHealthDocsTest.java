package dev.reliability.spring.boot.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.checks.HttpHealthCheck;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The examples of docs/spring-boot.md, section "Health, probes and shutdown", as they run. */
class SpringBootHealthDocsTest {

  @Configuration(proxyBeanMethods = false)
  static class HealthChecks {

    @Bean
    HealthCheck workQueue() {
      return () -> HealthCheckResult.healthy("3 queued");
    }

    @Bean
    HealthCheckRegistrationBean paymentsApi() {
      return HealthCheckRegistrationBean.of(
          "payments-api",
          HttpHealthCheck.of(URI.create("http://127.0.0.1:8081/health/ready")),
          HealthCheckConfig.builder().critical(false).build());
    }
  }

  @Test
  void theDocumentedBeansAreRegisteredAsTheDocsSay() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ReliabilityHealthAutoConfiguration.class))
        .withUserConfiguration(HealthChecks.class)
        .run(
            context -> {
              HealthCheckRegistry registry = context.getBean(HealthCheckRegistry.class);
              assertThat(registry.registration("workQueue").orElseThrow().groups())
                  .containsExactly(HealthGroups.READINESS);
              assertThat(registry.registration("payments-api").orElseThrow().kind())
                  .isEqualTo(HealthCheckKind.DEPENDENCY);
              assertThat(registry.registration("payments-api").orElseThrow().config().critical())
                  .isFalse();
            });
  }
}
