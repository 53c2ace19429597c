package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleConfigFileTest {

  @TempDir Path dir;

  private static int threshold(ExampleService service) {
    return service.policy().config().circuitBreaker().orElseThrow().failureThreshold();
  }

  @Test
  void theBackendPolicyFollowsTheConfigFile() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("reliability.properties"),
            "reliability.circuitbreaker.quote-backend.failure-threshold=7\n");
    try (ExampleService service =
        ExampleService.start(
            ExampleServiceContractTest.config(Map.of("example.config-file", file.toString())))) {
      assertThat(threshold(service)).isEqualTo(7);

      Files.writeString(file, "reliability.circuitbreaker.quote-backend.failure-threshold=9\n");
      assertThat(service.reloader().check()).isTrue();

      assertThat(threshold(service)).isEqualTo(9);
    }
  }
}
