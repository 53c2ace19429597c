package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class CardinalityGuardTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void admitsValuesUpToTheCapAndCountsEveryLaterNewValue() {
    CardinalityGuard guard =
        CardinalityGuard.builder("app.requests", "tenant").maxValues(2).build(registry);

    assertThat(guard.admit("acme")).isEqualTo("acme");
    assertThat(guard.admit("globex")).isEqualTo("globex");
    assertThat(guard.admit("initech")).isEqualTo(CardinalityGuard.OVERFLOW);
    assertThat(guard.admit("acme")).isEqualTo("acme");
    assertThat(guard.admit("hooli")).isEqualTo(CardinalityGuard.OVERFLOW);

    assertThat(guard.size()).isEqualTo(2);
    assertThat(guard.overflowCount()).isEqualTo(2);
    assertThat(
            registry
                .get(CardinalityGuard.OVERFLOW_METER)
                .tag("meter", "app.requests")
                .tag("tag", "tenant")
                .counter()
                .count())
        .isEqualTo(2.0);
    assertThat(guard).hasToString("CardinalityGuard[app.requests{tenant}, 2/2]");
  }

  @Test
  void nullIsRecordedAsNone() {
    CardinalityGuard guard = CardinalityGuard.builder("m", "t").build(registry);
    assertThat(guard.admit(null)).isEqualTo("none");
  }

  @Test
  void rejectsBadSettingsWithTheStandardMessage() {
    assertThatThrownBy(() -> CardinalityGuard.builder("m", "t").maxValues(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxValues must be between 1 and 100000, was 0");
    assertThatThrownBy(() -> CardinalityGuard.builder(" ", "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("meter must not be blank, was \" \"");
    assertThatThrownBy(() -> CardinalityGuard.builder("m", "t").build(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry must not be null");
  }

  /** Regression: a value rolled back after losing the last slot was briefly seen as admitted. */
  @RepeatedTest(10)
  void racingThreadsNeverAdmitMoreThanTheCap() throws Exception {
    CardinalityGuard guard = CardinalityGuard.builder("m", "t").maxValues(50).build(registry);
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < 200; i++) {
                  seen.add(guard.admit("k" + ((i * 7 + id) % 120)));
                }
              });
      w.start();
      workers.add(w);
    }
    start.countDown();
    for (Thread w : workers) {
      w.join(10_000);
    }
    Set<String> admitted = new HashSet<>(seen);
    admitted.remove(CardinalityGuard.OVERFLOW);
    assertThat(admitted).hasSizeLessThanOrEqualTo(50);
    assertThat(guard.size()).isEqualTo(50);
    assertThat(guard.overflowCount()).isPositive();
  }
}
