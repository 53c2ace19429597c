package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.redaction.Redactor;
import dev.reliability.test.ManualTimeSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secrets in a check's message or details never leave the registry. */
class SanitisingTest {

  private static final HealthCheck LEAKY =
      () ->
          HealthCheckResult.builder(HealthStatus.UNHEALTHY)
              .message("login to postgres://app:s3cret@db:5432/orders failed, password=hunter2")
              .detail("password", "hunter2")
              .detail("url", "postgres://app:s3cret@db:5432/orders")
              .detail("headers", Map.of("Authorization", "Bearer abcdef123456", "Accept", "*/*"))
              .detail("pool", List.of("token=abc123xyz", "size=10"))
              .detail("active", 3)
              .build();

  private HealthCheckResult run(Redactor redactor) {
    try (HealthCheckRegistry registry =
        HealthCheckRegistry.builder()
            .timeSource(ManualTimeSource.create())
            .configSource(ConfigSource.empty())
            .redactor(redactor)
            .build()) {
      registry.register("db", LEAKY);
      return registry.fullReport().check("db").orElseThrow().result();
    }
  }

  @Test
  void secretBearingDetailsAreMasked() {
    HealthCheckResult r = run(Redactor.defaults());

    assertThat(r.message())
        .isEqualTo("login to postgres://****@db:5432/orders failed, password=****");
    assertThat(r.details())
        .containsEntry("password", "****")
        .containsEntry("url", "postgres://****@db:5432/orders")
        .containsEntry("headers", Map.of("Authorization", "****", "Accept", "*/*"))
        .containsEntry("pool", List.of("token=****", "size=10"))
        .containsEntry("active", 3);
    assertThat(r.toString()).doesNotContain("hunter2", "s3cret", "abcdef123456", "abc123xyz");
  }

  @Test
  void redactorNoneKeepsEverything() {
    assertThat(run(Redactor.none()).details()).containsEntry("password", "hunter2");
  }
}
