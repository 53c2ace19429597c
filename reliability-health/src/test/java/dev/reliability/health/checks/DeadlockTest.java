package dev.reliability.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** A real deadlock between two threads makes the thread check unhealthy. */
class DeadlockTest {

  @Test
  void deadlockedThreadsAreUnhealthyAndNamed() throws Exception {
    ReentrantLock a = new ReentrantLock();
    ReentrantLock b = new ReentrantLock();
    CountDownLatch bothHoldOne = new CountDownLatch(2);
    Thread first = new Thread(() -> cross(a, b, bothHoldOne), "deadlock-first");
    Thread second = new Thread(() -> cross(b, a, bothHoldOne), "deadlock-second");
    first.setDaemon(true);
    second.setDaemon(true);
    first.start();
    second.start();
    try {
      ThreadHealthCheck check = ThreadHealthCheck.ofDefaults();
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(() -> check.check().status() == HealthStatus.UNHEALTHY);

      HealthCheckResult r = check.check();
      assertThat(r.message()).startsWith("2 threads deadlocked: ");
      assertThat(r.details().get("deadlocked_threads"))
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
          .containsExactlyInAnyOrder("deadlock-first", "deadlock-second");
    } finally {
      first.interrupt();
      second.interrupt();
      first.join(5_000);
      second.join(5_000);
    }
    assertThat(List.of(first.isAlive(), second.isAlive())).containsOnly(false);
  }

  private static void cross(ReentrantLock mine, ReentrantLock theirs, CountDownLatch bothHoldOne) {
    try {
      mine.lockInterruptibly();
      try {
        bothHoldOne.countDown();
        bothHoldOne.await();
        theirs.lockInterruptibly();
        theirs.unlock();
      } finally {
        mine.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
