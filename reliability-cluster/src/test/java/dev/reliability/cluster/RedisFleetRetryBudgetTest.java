package dev.reliability.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.cluster.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fleet-wide retry budget on a real {@code redis-server}: one instance's calls pay for another
 * instance's retries, and the retries of both count against one allowance.
 */
@Tag("redis")
class RedisFleetRetryBudgetTest {

  private RedisServerProcess server;
  private final List<FleetEngine> engines = new ArrayList<>();

  @BeforeEach
  void start() {
    server = RedisServerProcess.start();
  }

  @AfterEach
  void stop() {
    engines.forEach(FleetEngine::close);
    server.close();
  }

  private FleetRetryBudget instance(String id) {
    FleetEngine engine =
        FleetEngine.redis(server.uri())
            .name("budget")
            .instanceId(id)
            .timeout(Duration.ofMillis(200))
            .expectedInstances(2)
            .build();
    engines.add(engine);
    return engine.retryBudget(
        FleetRetryBudgetConfig.builder("payments")
            .ratio(0.1)
            .minRetriesPerSecond(0)
            .window(Duration.ofSeconds(10))
            .syncInterval(Duration.ofMillis(50))
            .build());
  }

  @Test
  void oneInstancesCallsPayForAnothersRetriesWithinOneRatio() {
    FleetRetryBudget a = instance("a");
    FleetRetryBudget b = instance("b");
    for (int i = 0; i < 100; i++) {
      a.onCall();
    }

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> b.fleetCalls() == 100);
    int retried = 0;
    for (int i = 0; i < 20; i++) {
      if (b.tryAcquire()) {
        retried++;
      }
    }
    assertThat(retried).isEqualTo(10);

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> a.fleetRetries() == 10);
    assertThat(a.tryAcquire()).isFalse();
    assertThat(engines).allSatisfy(e -> assertThat(e.status()).isEqualTo(FleetStatus.SHARED));
  }
}
