package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** 500 concurrent probe requests cost one run per check per cache TTL. */
class ConcurrentProbesTest {

  private static final int PROBES = 500;
  private static final int CHECKS = 10;

  private final ManualTimeSource time = ManualTimeSource.create();
  private final ExecutorService clients = Executors.newFixedThreadPool(PROBES);
  private final HealthCheckRegistry registry =
      HealthCheckRegistry.builder()
          .timeSource(time)
          .configSource(ConfigSource.empty())
          .maxConcurrency(CHECKS)
          .build();

  @AfterEach
  void tearDown() {
    clients.shutdownNow();
    registry.close();
  }

  @Test
  void fiveHundredConcurrentProbesShareOneRunPerCheckPerTtl() throws Exception {
    registry.lifecycle().markStartupComplete();
    AtomicInteger[] runs = new AtomicInteger[CHECKS];
    CountDownLatch gate = new CountDownLatch(1);
    for (int i = 0; i < CHECKS; i++) {
      AtomicInteger counter = new AtomicInteger();
      runs[i] = counter;
      registry.register(
          "check-" + i,
          () -> {
            counter.incrementAndGet();
            gate.await(10, TimeUnit.SECONDS);
            return HealthCheckResult.healthy();
          },
          HealthCheckConfig.builder().cacheTtl(Duration.ofSeconds(5)).build());
    }

    // Round one: every probe arrives while the runs are held open.
    CountDownLatch started = new CountDownLatch(PROBES);
    List<Future<HealthReport>> round = new ArrayList<>();
    for (int p = 0; p < PROBES; p++) {
      round.add(
          clients.submit(
              () -> {
                started.countDown();
                return registry.readiness();
              }));
    }
    started.await(10, TimeUnit.SECONDS);
    await().atMost(10, TimeUnit.SECONDS).until(() -> totalRuns(runs) == CHECKS);
    gate.countDown();
    for (Future<HealthReport> f : round) {
      assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(HealthStatus.HEALTHY);
    }
    for (AtomicInteger r : runs) {
      assertThat(r).hasValue(1);
    }

    // Round two, within the TTL: all from cache.
    time.advance(Duration.ofSeconds(4));
    probeAll();
    assertThat(totalRuns(runs)).isEqualTo(CHECKS);

    // Round three, after the TTL: exactly one more run per check.
    time.advance(Duration.ofSeconds(1));
    probeAll();
    for (AtomicInteger r : runs) {
      assertThat(r).hasValue(2);
    }
  }

  private void probeAll() throws Exception {
    List<Future<HealthReport>> round = new ArrayList<>();
    for (int p = 0; p < PROBES; p++) {
      round.add(clients.submit(registry::readiness));
    }
    for (Future<HealthReport> f : round) {
      assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(HealthStatus.HEALTHY);
    }
  }

  private static int totalRuns(AtomicInteger[] runs) {
    int sum = 0;
    for (AtomicInteger r : runs) {
      sum += r.get();
    }
    return sum;
  }
}
