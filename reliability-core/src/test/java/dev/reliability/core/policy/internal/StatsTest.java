package dev.reliability.core.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.policy.CallOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void concurrentSuccessesAreAllCounted() throws Exception {
    Stats stats = new Stats();
    int threads = 16;
    int perThread = 20_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int n = 0; n < perThread; n++) {
                  stats.success(3);
                }
              });
      t.start();
      workers.add(t);
    }
    start.countDown();
    for (Thread t : workers) {
      t.join(30_000);
    }
    assertThat(stats.calls(CallOutcome.SUCCESS)).isEqualTo((long) threads * perThread);
    assertThat(stats.totalNanos(CallOutcome.SUCCESS)).isEqualTo(3L * threads * perThread);
  }

  @Test
  void countsSurviveTheThreadsThatMadeThem() throws Exception {
    Stats stats = new Stats();
    for (int i = 0; i < 100; i++) {
      Thread t = new Thread(() -> stats.success(5));
      t.start();
      t.join(10_000);
    }
    stats.success(7);
    stats.record(CallOutcome.SUCCESS, 1);
    stats.record(CallOutcome.FAILURE, 2);

    assertThat(stats.calls(CallOutcome.SUCCESS)).isEqualTo(102);
    assertThat(stats.totalNanos(CallOutcome.SUCCESS)).isEqualTo(508);
    assertThat(stats.calls(CallOutcome.FAILURE)).isEqualTo(1);
    assertThat(stats.totalNanos(CallOutcome.FAILURE)).isEqualTo(2);
  }

  @Test
  void cellsOfEndedThreadsAreTakenOverWithTheirCounts() throws Exception {
    Stats stats = new Stats();
    // 64 ns: a duration whose low bits let a thread without a free cell look for an ended owner.
    for (int i = 0; i < 200; i++) {
      Thread t =
          new Thread(
              () -> {
                stats.success(64);
                stats.success(64);
              });
      t.start();
      t.join(10_000);
    }

    assertThat(stats.calls(CallOutcome.SUCCESS)).isEqualTo(400);
    assertThat(stats.totalNanos(CallOutcome.SUCCESS)).isEqualTo(400 * 64);
  }
}
