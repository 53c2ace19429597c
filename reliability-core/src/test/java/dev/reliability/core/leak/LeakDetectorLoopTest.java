package dev.reliability.core.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.reliability.core.time.TimeSource;
import dev.reliability.test.ManualScheduler;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sampling loop survives anything a sample throws, Errors included, and a report that is not
 * refreshed in time says that it is stale.
 */
class LeakDetectorLoopTest {

  private static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final LeakDetectorConfig QUIET =
      LeakDetectorConfig.builder()
          .warmUp(Duration.ZERO)
          .heap(false)
          .jvmGauges(false)
          .sampleInterval(INTERVAL)
          .build();

  private final ManualTimeSource time = ManualTimeSource.create();
  private final ManualScheduler scheduler = ManualScheduler.create(time);
  private final AtomicInteger goodReads = new AtomicInteger();
  private LeakDetector detector;

  @AfterEach
  void close() {
    if (detector != null) {
      detector.close();
    }
  }

  @Test
  void aGaugeThatThrowsStackOverflowErrorDoesNotStopTheSamplingLoop() {
    detector =
        LeakDetector.builder()
            .config(QUIET)
            .scheduler(scheduler)
            .gauge(
                LeakGauge.builder(
                        "recursive",
                        () -> {
                          throw new StackOverflowError("user gauge recursed");
                        })
                    .build())
            .gauge(LeakGauge.builder("good", goodReads::incrementAndGet).build())
            .build()
            .start();

    assertThatCode(() -> scheduler.advance(INTERVAL.multipliedBy(4))).doesNotThrowAnyException();

    assertThat(goodReads).hasValue(4);
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
    assertThat(detector.report().stale()).isFalse();
    assertThat(detector.report().gauge("good").orElseThrow().value()).isEqualTo(4);
  }

  @Test
  void aSampleThatThrowsOutOfMemoryErrorIsCountedTheLoopGoesOnAndTheReportTurnsStale() {
    AtomicBoolean outOfMemory = new AtomicBoolean();
    TimeSource failingClock =
        new TimeSource() {
          @Override
          public long nanoTime() {
            return time.nanoTime();
          }

          @Override
          public Instant now() {
            if (outOfMemory.get()) {
              throw new OutOfMemoryError("Java heap space");
            }
            return time.now();
          }
        };
    detector =
        LeakDetector.builder()
            .config(QUIET)
            .scheduler(scheduler)
            .timeSource(failingClock)
            .gauge(LeakGauge.builder("good", goodReads::incrementAndGet).build())
            .build()
            .start();
    scheduler.advance(INTERVAL);
    Instant lastReport = time.now();
    assertThat(detector.report().time()).isEqualTo(lastReport);

    outOfMemory.set(true);
    assertThatCode(() -> scheduler.advance(INTERVAL.multipliedBy(3))).doesNotThrowAnyException();

    assertThat(detector.samplingFailures()).isEqualTo(3);
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
    outOfMemory.set(false);
    LeakReport stale = detector.report();
    assertThat(stale.stale()).isTrue();
    assertThat(stale.staleSince()).contains(lastReport.plus(INTERVAL.multipliedBy(3)));
    assertThat(stale.time()).isEqualTo(lastReport);
    assertThat(stale.staleness())
        .isEqualTo(
            "leak report stale since 2000-01-01T00:00:20Z: no sample has completed for 15s"
                + " (3 sample intervals)");
    assertThat(stale.toMap())
        .containsEntry("stale", true)
        .containsEntry("stale_since", "2000-01-01T00:00:20Z");

    scheduler.advance(INTERVAL);

    assertThat(detector.report().stale()).isFalse();
    assertThat(detector.report().time()).isEqualTo(time.now());
    assertThat(detector.report().toMap()).containsEntry("stale", false);
  }

  @Test
  void aLoopThatDoesNotRunMakesTheReportStaleAfterThreeIntervals() {
    detector =
        LeakDetector.builder()
            .config(QUIET)
            .scheduler(scheduler)
            .gauge(LeakGauge.builder("good", goodReads::incrementAndGet).build())
            .build()
            .start();
    scheduler.advance(INTERVAL);

    // The clock moves but no sample runs, as when the sampling thread is starved or stuck.
    time.advance(INTERVAL.multipliedBy(3).minusNanos(1));
    assertThat(detector.report().stale()).isFalse();
    time.advance(Duration.ofNanos(1));
    assertThat(detector.report().stale()).isTrue();
    assertThat(detector.report().staleSince()).contains(time.now());

    scheduler.runDueTasks();

    assertThat(goodReads).hasValue(2);
    assertThat(detector.report().stale()).isFalse();
    // A loop that fell behind skips the beats it missed instead of sampling in a burst.
    scheduler.advance(INTERVAL);
    assertThat(goodReads).hasValue(3);
  }

  @Test
  void aListenerThatThrowsAnErrorDoesNotStopTheOtherListenersOrTheLoop() {
    AtomicLong sessions = new AtomicLong(1000);
    List<LeakEvent> heard = new CopyOnWriteArrayList<>();
    detector =
        LeakDetector.builder()
            .config(QUIET)
            .scheduler(scheduler)
            .gauge(LeakGauge.builder("sessions", sessions::get).minIncrease(20).build())
            .listener(
                new LeakListener() {
                  @Override
                  public void onStateChange(LeakEvent event) {
                    throw new StackOverflowError("listener recursed");
                  }
                })
            .listener(
                new LeakListener() {
                  @Override
                  public void onStateChange(LeakEvent event) {
                    heard.add(event);
                  }
                })
            .build()
            .start();

    for (int i = 0; i < 24; i++) {
      sessions.addAndGet(10);
      scheduler.advance(INTERVAL);
    }

    assertThat(heard).singleElement().satisfies(e -> assertThat(e.state()).isNotNull());
    assertThat(detector.report().gauge("sessions").orElseThrow().state())
        .isEqualTo(LeakState.SUSPECTED);
    assertThat(detector.samplingFailures()).isZero();
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
  }

  @Test
  void aDetectorThatWasNotStartedOrIsClosedNeverReportsStale() {
    detector =
        LeakDetector.builder()
            .config(QUIET)
            .scheduler(scheduler)
            .gauge(LeakGauge.builder("good", goodReads::incrementAndGet).build())
            .build();
    time.advance(Duration.ofHours(1));
    assertThat(detector.report().stale()).isFalse();

    detector.start();
    detector.close();
    time.advance(Duration.ofHours(1));

    assertThat(detector.report().stale()).isFalse();
    assertThat(scheduler.pendingTasks()).isZero();
  }
}
