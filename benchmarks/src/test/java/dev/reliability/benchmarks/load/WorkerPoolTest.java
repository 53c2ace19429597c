package dev.reliability.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

  private static final long WAIT_SECONDS = 10;

  @Test
  void jobsStartInArrivalOrder() throws InterruptedException {
    try (WorkerPool pool = new WorkerPool("test", 1)) {
      CountDownLatch gate = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(20);
      List<Integer> order = new CopyOnWriteArrayList<>();
      pool.submit(() -> await(gate));
      for (int i = 0; i < 20; i++) {
        int n = i;
        pool.submit(
            () -> {
              order.add(n);
              done.countDown();
            });
      }
      assertThat(pool.queued()).isEqualTo(20);
      gate.countDown();

      assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(order)
          .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
    }
  }

  @Test
  void noMoreJobsRunAtOnceThanWorkers() throws InterruptedException {
    try (WorkerPool pool = new WorkerPool("test", 4)) {
      CountDownLatch gate = new CountDownLatch(1);
      CountDownLatch fourStarted = new CountDownLatch(4);
      CountDownLatch done = new CountDownLatch(10);
      AtomicInteger running = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      for (int i = 0; i < 10; i++) {
        pool.submit(
            () -> {
              most.accumulateAndGet(running.incrementAndGet(), Math::max);
              fourStarted.countDown();
              await(gate);
              running.decrementAndGet();
              done.countDown();
            });
      }

      assertThat(fourStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(pool.active()).isEqualTo(4);
      assertThat(pool.queued()).isEqualTo(6);
      gate.countDown();
      assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(most.get()).isEqualTo(4);
    }
  }

  @Test
  void loweringTheWorkersTakesEffectAsRunningJobsFinish() throws InterruptedException {
    try (WorkerPool pool = new WorkerPool("test", 4)) {
      CountDownLatch firstGate = new CountDownLatch(1);
      CountDownLatch firstStarted = new CountDownLatch(4);
      for (int i = 0; i < 4; i++) {
        pool.submit(
            () -> {
              firstStarted.countDown();
              await(firstGate);
            });
      }
      assertThat(firstStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

      pool.setWorkers(2);
      CountDownLatch laterGate = new CountDownLatch(1);
      CountDownLatch twoLaterStarted = new CountDownLatch(2);
      for (int i = 0; i < 3; i++) {
        pool.submit(
            () -> {
              twoLaterStarted.countDown();
              await(laterGate);
            });
      }
      assertThat(pool.active()).isEqualTo(4);
      firstGate.countDown();

      assertThat(twoLaterStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(pool.active()).isEqualTo(2);
      assertThat(pool.queued()).isEqualTo(1);
      laterGate.countDown();
    }
  }

  @Test
  void raisingTheWorkersStartsQueuedJobsAtOnce() throws InterruptedException {
    try (WorkerPool pool = new WorkerPool("test", 1)) {
      CountDownLatch gate = new CountDownLatch(1);
      CountDownLatch threeStarted = new CountDownLatch(3);
      for (int i = 0; i < 3; i++) {
        pool.submit(
            () -> {
              threeStarted.countDown();
              await(gate);
            });
      }
      assertThat(pool.queued()).isEqualTo(2);

      pool.setWorkers(3);

      assertThat(threeStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(pool.active()).isEqualTo(3);
      assertThat(pool.queued()).isZero();
      gate.countDown();
    }
  }

  @Test
  void aFailingJobDoesNotStopItsWorker() throws InterruptedException {
    try (WorkerPool pool = new WorkerPool("test", 1)) {
      CountDownLatch ran = new CountDownLatch(1);
      pool.submit(
          () -> {
            throw new IllegalStateException("job failed on purpose");
          });
      pool.submit(ran::countDown);

      assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void workersMustBeAtLeastOne() {
    assertThatThrownBy(() -> new WorkerPool("test", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workers must be at least 1, was 0");
  }

  private static void await(CountDownLatch gate) {
    try {
      gate.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
