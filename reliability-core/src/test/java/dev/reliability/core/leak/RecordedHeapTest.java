package dev.reliability.core.leak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.test.ManualTimeSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real collections, replayed: the live set after every collection of the benchmark harness's
 * workloads (JDK 17, and JDK 25 where it differed; G1, 256 MB heap, 10 minutes each; see {@code
 * benchmarks/README.md}), fed to a heap trend with the default configuration on manual time and
 * evaluated every 5 seconds, as the detector does. Keeps the defaults honest against what G1
 * actually reports, including the shapes that once raised false suspicions (a cache still warming
 * after the warm-up, and batches promoted and reclaimed late, or on JDK 25 not at all within the 10
 * minutes) or false confirmations (a cache that fills and then replaces entries, and a session map
 * that steps up and then replaces sessions: the replaced entries are promoted garbage that keeps
 * the old generation rising until G1's first concurrent cycle), and a leak that starts while the
 * warming cache's suspicion stands.
 */
class RecordedHeapTest {

  private static final long LIMIT = 256L * 1024 * 1024;

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "steady-churn",
        "cache-warming",
        "cache-warming-slow",
        "step-load",
        "bursty",
        "bursty-retained",
        "bursty-retained-jdk25"
      })
  void workloadsThatDoNotLeakAreNeverSuspected(String workload) throws IOException {
    Replay replay = replay(workload);

    assertThat(replay.firstLeakMillis).as("first suspicion: %s", replay.firstLeak).isNegative();
    assertThat(replay.evaluations).as("evaluations").isGreaterThan(100);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"leak", "leak-jdk25", "leak-zgc-jdk17"})
  void aLeakOfOneMegabytePerSecondIsSuspectedWithinAMinuteOfItsStart(String recording)
      throws IOException {
    Replay replay = replay(recording);

    assertThat(replay.markMillis).isPositive();
    assertThat(replay.firstLeakMillis - replay.markMillis)
        .as("detection latency, ms: %s", replay.firstLeak)
        .isBetween(0L, 60_000L);
    assertThat(replay.firstLeak.growthPerMinute() / (1024 * 1024)).isBetween(40.0, 80.0);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "cache-replace",
        "step-replace",
        "cache-replace-zgc-jdk17",
        "cache-replace-zgc-jdk25"
      })
  void legitimateRisesThatThenOnlyReplaceEntriesAreNeverConfirmedAndClear(String workload)
      throws IOException {
    Replay replay = replay(workload);

    for (int i = 0; i < replay.trends.size(); i++) {
      GaugeTrend t = replay.trends.get(i);
      assertThat(t.state())
          .as("at %ss: %s", replay.millis.get(i) / 1000, t.explanation())
          .isNotEqualTo(LeakState.CONFIRMED);
    }
    assertThat(replay.trends.get(replay.trends.size() - 1).state()).isEqualTo(LeakState.NONE);
  }

  @Test
  void underZgcARiseShownToBeGarbageIsNotSuspectedAgainAtTheSameLevel() throws IOException {
    // ZGC on JDK 17: every cycle reclaims, and the heap after a cycle still holds what was
    // allocated during it, so the cache's level after cycles creeps up by a few MB at a time.
    Replay replay = replay("cache-replace-zgc-jdk17");

    int suspicions = 0;
    for (int i = 0; i < replay.trends.size(); i++) {
      boolean before = i > 0 && replay.trends.get(i - 1).state().isLeak();
      if (replay.trends.get(i).state().isLeak() && !before) {
        suspicions++;
      }
    }
    assertThat(suspicions).isBetween(1, 2);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"leak", "leak-jdk25", "leak-on-suspicion", "leak-zgc-jdk17", "leak-zgc-jdk25"})
  void aLeakThatWouldExhaustTheHeapBeforeConfirmationEscalatesWithinNinetySeconds(String recording)
      throws IOException {
    Replay replay = replay(recording);

    int i = replay.firstImminent();
    assertThat(i).as("exhaustion found imminent").isNotNegative();
    GaugeTrend t = replay.trends.get(i);
    assertThat(replay.millis.get(i) - replay.markMillis)
        .as("after the leak started, ms: %s", t.explanation())
        .isBetween(0L, 90_000L);
    assertThat(t.timeToExhaustion())
        .hasValueSatisfying(
            d -> assertThat(d).isBetween(Duration.ofMinutes(1), Duration.ofMinutes(5)));
  }

  @Test
  void aLeakThatStartsWhileACacheIsSuspectedRaisesASuspicionOfItsOwn() throws IOException {
    Replay replay = replay("leak-on-suspicion");

    assertThat(replay.firstLeakMillis).as("the cache's suspicion").isLessThan(replay.markMillis);
    int episode = -1;
    for (int i = 1; i < replay.trends.size() && episode < 0; i++) {
      GaugeTrend t = replay.trends.get(i);
      GaugeTrend previous = replay.trends.get(i - 1);
      if (replay.millis.get(i) >= replay.markMillis
          && t.state() == LeakState.SUSPECTED
          && !t.since().equals(previous.since())) {
        episode = i;
      }
    }
    assertThat(episode).as("a new suspicion after the leak started").isNotNegative();
    assertThat(replay.millis.get(episode) - replay.markMillis).isBetween(0L, 90_000L);
    assertThat(replay.trends.get(episode).growthPerMinute() / (1024 * 1024)).isBetween(40.0, 80.0);
  }

  private static Replay replay(String workload) throws IOException {
    List<long[]> collections = new ArrayList<>();
    long mark = -1;
    try (InputStream in =
        RecordedHeapTest.class.getResourceAsStream("recorded/" + workload + ".txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] p = line.trim().split(" ");
        if (p[0].equals("mark")) {
          mark = Long.parseLong(p[1]);
        } else {
          collections.add(
              new long[] {Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2])});
        }
      }
    }
    ManualTimeSource time = ManualTimeSource.create();
    TrendDetector heap =
        TrendDetector.builder("heap")
            .kind(LeakKind.HEAP)
            .unit(GaugeUnit.BYTES)
            .limit(LIMIT)
            .timeSource(time)
            .build();
    Replay replay = new Replay();
    replay.markMillis = mark;
    long now = 0;
    long nextEvaluation = 5000;
    for (long[] c : collections) {
      while (nextEvaluation <= c[0]) {
        time.advance(Duration.ofMillis(nextEvaluation - now));
        now = nextEvaluation;
        replay.evaluate(heap.evaluate(), now);
        nextEvaluation += 5000;
      }
      time.advance(Duration.ofMillis(c[0] - now));
      now = c[0];
      heap.recordLive(c[1], c[2] == 1);
    }
    return replay;
  }

  private static final class Replay {
    long markMillis = -1;
    long firstLeakMillis = -1;
    GaugeTrend firstLeak;
    int evaluations;
    final List<GaugeTrend> trends = new ArrayList<>();
    final List<Long> millis = new ArrayList<>();

    int firstImminent() {
      for (int i = 0; i < trends.size(); i++) {
        if (trends.get(i).exhaustionImminent()) {
          return i;
        }
      }
      return -1;
    }

    void evaluate(GaugeTrend t, long millis) {
      evaluations++;
      trends.add(t);
      this.millis.add(millis);
      if (t.state().isLeak() && firstLeakMillis < 0) {
        firstLeakMillis = millis;
        firstLeak = t;
      }
    }
  }
}
