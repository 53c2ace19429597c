package dev.reliability.core.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LeakDetectorTest {

  private static final long MB = 1024L * 1024;
  private static final LeakDetectorConfig QUIET =
      LeakDetectorConfig.builder().warmUp(Duration.ZERO).heap(false).jvmGauges(false).build();

  private final ManualTimeSource time = ManualTimeSource.create();
  private final List<LeakEvent> events = new CopyOnWriteArrayList<>();
  private final LeakListener recording =
      new LeakListener() {
        @Override
        public void onStateChange(LeakEvent event) {
          events.add(event);
        }

        @Override
        public void onThreshold(LeakEvent event) {
          events.add(event);
        }
      };
  // Copies the MDC when the event arrives, as any appender that keeps events must: the detector's
  // fields travel in the MDC for the duration of the logging call.
  private final ListAppender<ILoggingEvent> log =
      new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent e) {
          e.prepareForDeferredProcessing();
          super.append(e);
        }
      };
  private final Logger logger = (Logger) LoggerFactory.getLogger(LeakDetector.class);
  private final List<LeakDetector> detectors = new ArrayList<>();

  @BeforeEach
  void captureLog() {
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void release() {
    logger.detachAppender(log);
    detectors.forEach(LeakDetector::close);
  }

  @Test
  void aGrowingGaugeIsReportedToListenersAndLoggedAsOneStructuredLine() {
    AtomicLong sessions = new AtomicLong(1000);
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .name("test")
                .config(QUIET)
                .timeSource(time)
                .gauge(LeakGauge.builder("sessions", sessions::get).minIncrease(20).build())
                .listener(recording)
                .build());

    grow(detector, sessions, 10); // every 5 s for two minutes

    assertThat(events).hasSize(1);
    LeakEvent e = events.get(0);
    assertThat(e.type()).isEqualTo(LeakEvent.Type.STATE_CHANGED);
    assertThat(e.gauge()).isEqualTo("sessions");
    assertThat(e.previousState()).isEqualTo(LeakState.NONE);
    assertThat(e.state()).isEqualTo(LeakState.SUSPECTED);
    assertThat(e.message()).startsWith("Leak suspected in sessions: grows 120/min over ");
    assertThat(e.used()).isEqualTo(-1);
    assertThat(e.toString()).startsWith("LeakEvent[state_changed, Leak suspected in sessions");

    List<ILoggingEvent> lines = stateLines();
    assertThat(lines).hasSize(1);
    ILoggingEvent line = lines.get(0);
    assertThat(line.getLevel()).isEqualTo(Level.WARN);
    assertThat(line.getFormattedMessage()).isEqualTo(e.message());
    assertThat(keyValues(line))
        .containsEntry("event", "leak_state_change")
        .containsEntry("leak_detector", "test")
        .containsEntry("leak_gauge", "sessions")
        .containsEntry("leak_kind", "custom")
        .containsEntry("leak_state", "suspected")
        .containsEntry("previous_state", "none")
        .containsEntry("growth_per_minute", "120")
        .containsKeys("value", "baseline", "evidence_span_seconds", "samples");
  }

  @Test
  void aNewLeakWhileASuspicionStandsRaisesItsOwnEventAndEscalatesWhenExhaustionIsImminent() {
    AtomicLong sessions = new AtomicLong(1000);
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .config(QUIET)
                .timeSource(time)
                .gauge(
                    LeakGauge.builder("sessions", sessions::get)
                        .minIncrease(20)
                        .limit(20_000)
                        .build())
                .listener(recording)
                .build());

    grow(detector, sessions, 5); // 60 a minute: suspected, hours from the limit
    assertThat(events).extracting(LeakEvent::state).containsExactly(LeakState.SUSPECTED);
    for (int i = 0; i < 60 && events.size() < 3; i++) {
      sessions.addAndGet(250); // 3000 a minute from here on
      time.advance(Duration.ofSeconds(5));
      detector.poll();
    }

    assertThat(events).hasSize(3);
    LeakEvent renewed = events.get(1);
    assertThat(renewed.type()).isEqualTo(LeakEvent.Type.STATE_CHANGED);
    assertThat(renewed.previousState()).isEqualTo(LeakState.SUSPECTED);
    assertThat(renewed.state()).isEqualTo(LeakState.SUSPECTED);
    assertThat(renewed.message())
        .startsWith("New leak suspected in sessions: new growth, faster than the suspicion");
    assertThat(renewed.trend().since()).isNotEqualTo(events.get(0).trend().since());
    LeakEvent imminent = events.get(2);
    assertThat(imminent.type()).isEqualTo(LeakEvent.Type.EXHAUSTION_IMMINENT);
    assertThat(imminent.message()).startsWith("Exhaustion imminent in sessions: ");
    assertThat(imminent.trend().exhaustionImminent()).isTrue();
    assertThat(imminent.trend().timeToExhaustion())
        .hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(QUIET.confirmAfter()));
    assertThat(imminent.trend().toMap()).containsEntry("exhaustion_imminent", true);
    assertThat(log.list)
        .filteredOn(e -> "leak_exhaustion_imminent".equals(keyValues(e).get("event")))
        .singleElement()
        .satisfies(e -> assertThat(e.getLevel()).isEqualTo(Level.ERROR));

    for (int i = 0; i < 6; i++) {
      sessions.addAndGet(250);
      time.advance(Duration.ofSeconds(5));
      detector.poll();
    }
    assertThat(events).as("raised once per suspicion").hasSize(3);
  }

  @Test
  void withdrawalIsLoggedAtInfo() {
    AtomicLong sessions = new AtomicLong(1000);
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .config(QUIET)
                .timeSource(time)
                .gauge(LeakGauge.builder("sessions", sessions::get).minIncrease(20).build())
                .listener(recording)
                .build());
    grow(detector, sessions, 10); // every 5 s for two minutes
    sessions.set(1000);
    for (int i = 0; i < 4; i++) {
      time.advance(Duration.ofSeconds(5));
      detector.poll();
    }

    assertThat(events)
        .extracting(LeakEvent::state)
        .containsExactly(LeakState.SUSPECTED, LeakState.NONE);
    assertThat(events.get(1).message())
        .startsWith("Leak withdrawn for sessions: suspected leak withdrawn: back to 1000");
    assertThat(stateLines())
        .extracting(ILoggingEvent::getLevel)
        .containsExactly(Level.WARN, Level.INFO);
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheOthers() {
    AtomicLong value = new AtomicLong(0);
    LeakListener failing =
        new LeakListener() {
          @Override
          public void onStateChange(LeakEvent event) {
            throw new IllegalStateException("boom");
          }
        };
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .config(QUIET)
                .timeSource(time)
                .gauge(LeakGauge.builder("g", value::get).minIncrease(5).build())
                .listener(failing)
                .listener(recording)
                .build());

    grow(detector, value, 10); // every 5 s for two minutes

    assertThat(events).hasSize(1);
    assertThat(log.list)
        .anySatisfy(
            l ->
                assertThat(l.getFormattedMessage())
                    .startsWith("Leak listener ")
                    .contains("failed on LeakEvent"));
  }

  @Test
  void aGaugeThatThrowsIsSkippedAndLoggedOnce() {
    AtomicLong good = new AtomicLong(5);
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .config(QUIET)
                .timeSource(time)
                .gauge(
                    LeakGauge.builder(
                            "broken",
                            () -> {
                              throw new IllegalStateException("closed");
                            })
                        .build())
                .gauge(LeakGauge.builder("good", good::get).build())
                .build());

    for (int i = 0; i < 3; i++) {
      time.advance(Duration.ofSeconds(5));
      detector.poll();
    }

    assertThat(detector.report().gauge("good").orElseThrow().value()).isEqualTo(5);
    assertThat(detector.report().gauge("broken").orElseThrow().value()).isEqualTo(-1);
    assertThat(log.list)
        .filteredOn(l -> l.getFormattedMessage().startsWith("Gauge broken"))
        .hasSize(1);
  }

  @Test
  void theReportCarriesEveryGaugeTheDiagnosisAndJson() {
    AtomicLong threads = new AtomicLong(100);
    AtomicLong cache = new AtomicLong(5000);
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .config(QUIET)
                .timeSource(time)
                .gauge(
                    LeakGauge.builder("worker.threads", threads::get)
                        .kind(LeakKind.THREADS)
                        .minIncrease(5)
                        .build())
                .gauge(LeakGauge.builder("cache", cache::get).limit(10_000).build())
                .build());

    grow(detector, threads, 2); // every 5 s for two minutes

    LeakReport r = detector.report();
    assertThat(r.state()).isEqualTo(LeakState.SUSPECTED);
    assertThat(r.warmingUp()).isFalse();
    assertThat(r.heap()).isEmpty();
    assertThat(r.heapPool()).isEmpty();
    assertThat(r.gauges()).extracting(GaugeTrend::name).containsExactly("worker.threads", "cache");
    assertThat(r.kinds()).containsExactly(LeakKind.THREADS);
    assertThat(r.diagnosis())
        .isEqualTo(
            "worker.threads grows 24/min (suspected): threads start and never end (executors not"
                + " shut down)");
    assertThat(r.timeToExhaustion()).isEmpty();
    assertThat(r.time()).isEqualTo(time.now());
    assertThat(r.toJson())
        .startsWith(
            "{\"state\":\"suspected\",\"time\":\"2000-01-01T00:02:00Z\",\"warming_up\":false,")
        .contains("\"kinds\":[\"threads\"]")
        .contains("\"heap_threshold_exceeded\":false")
        .contains("\"name\":\"cache\"");
    assertThat(r.toString()).startsWith("LeakReport[suspected, worker.threads grows 24/min");
  }

  @Test
  void theHeapTrendComesFromCollections() {
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .config(QUIET.toBuilder().heap(true).heapThreshold(0).build())
                .timeSource(time)
                .build());

    leakHeap(detector);

    LeakReport r = detector.report();
    GaugeTrend heap = r.heap().orElseThrow();
    assertThat(heap.name()).isEqualTo(LeakDetector.HEAP_GAUGE);
    assertThat(heap.state()).isEqualTo(LeakState.SUSPECTED);
    assertThat(heap.limit())
        .hasValue(new dev.reliability.core.leak.internal.HeapMonitor(null, 0).limit());
    assertThat(r.kinds()).containsExactly(LeakKind.HEAP);
    assertThat(r.diagnosis())
        .startsWith("heap live set grows ")
        .endsWith("(suspected): a heap leak");
    assertThat(r.heapPool()).isPresent();
    assertThat(r.heapThreshold()).isEqualTo(-1);
    assertThat(r.nearestExhaustion()).contains(heap);
  }

  @Test
  void thresholdCrossingsReachListenersAndTheLog() {
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .config(QUIET.toBuilder().heap(true).build())
                .timeSource(time)
                .listener(recording)
                .build());

    detector.threshold(LeakEvent.Type.THRESHOLD_EXCEEDED, 210 * MB, 200 * MB);
    detector.threshold(LeakEvent.Type.THRESHOLD_CLEARED, 150 * MB, 200 * MB);

    assertThat(events)
        .extracting(LeakEvent::type)
        .containsExactly(LeakEvent.Type.THRESHOLD_EXCEEDED, LeakEvent.Type.THRESHOLD_CLEARED);
    LeakEvent exceeded = events.get(0);
    assertThat(exceeded.used()).isEqualTo(210 * MB);
    assertThat(exceeded.threshold()).isEqualTo(200 * MB);
    assertThat(exceeded.gauge()).isEqualTo("heap");
    assertThat(exceeded.message())
        .startsWith("Heap usage after GC (210.0 MB) reached the ")
        .contains(" threshold of 200.0 MB (80% of ");
    assertThat(events.get(1).message())
        .startsWith("Heap usage after GC (150.0 MB) is back below the ");
    assertThat(log.list)
        .filteredOn(l -> keyValues(l).containsKey("threshold"))
        .extracting(ILoggingEvent::getLevel)
        .containsExactly(Level.WARN, Level.INFO);
  }

  @Test
  void classHistogramsAreRateLimited() {
    List<String> outputs =
        new ArrayList<>(
            List.of(
                " 1: 10 1000 com.example.Session\n 2: 5 100 [B (java.base@17)\n",
                " 1: 5010 501000 com.example.Session\n 2: 6 120 [B (java.base@17)\n"));
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .name("svc")
                .config(QUIET)
                .timeSource(time)
                .histogramSource(() -> outputs.remove(0))
                .build());

    LeakSuspects first = detector.findSuspects();
    time.advance(Duration.ofSeconds(20));
    assertThatThrownBy(detector::findSuspects)
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e -> {
              assertThat(e.getMessage())
                  .isEqualTo("Rate limit of 'leak-detector.svc.class-histogram' exceeded");
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(40));
            });
    time.advance(Duration.ofSeconds(40));
    LeakSuspects second = detector.findSuspects();

    assertThat(first.classes()).isEmpty();
    assertThat(second.classes())
        .containsExactly(
            new ClassGrowth("com.example.Session", 10, 5010, 1000, 501000),
            new ClassGrowth("[B", 5, 6, 100, 120));
    assertThat(second.interval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(detector.report().suspects()).contains(second);
    assertThat(detector.report().toJson()).contains("\"suspects\":{");

    detector.resetSuspects();
    assertThat(detector.report().suspects()).contains(second);
    outputs.add(" 1: 1 1 A\n");
    time.advance(Duration.ofMinutes(1));
    assertThat(detector.findSuspects().classes()).isEmpty();
  }

  @Test
  void aRealClassHistogramFindsTheClassThatGrew() {
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .config(QUIET.toBuilder().histogramMinInterval(Duration.ZERO).build())
                .timeSource(time)
                .build());
    List<Retained> retained = new ArrayList<>();

    detector.findSuspects();
    for (int i = 0; i < 50_000; i++) {
      retained.add(new Retained(i));
    }
    LeakSuspects suspects = detector.findSuspects();

    assertThat(suspects.classes())
        .filteredOn(c -> c.className().equals(Retained.class.getName()))
        .singleElement()
        .satisfies(c -> assertThat(c.instanceGrowth()).isEqualTo(50_000));
    assertThat(retained).hasSize(50_000);
  }

  @Test
  void allocationSitesPointAtTheCodeThatRetains() {
    LeakDetector detector = track(LeakDetector.builder().config(QUIET).timeSource(time).build());
    assertThatThrownBy(detector::allocationSites)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no allocation recording; call startAllocationRecording() first");
    assertThat(LeakDetector.allocationRecordingAvailable()).isTrue();

    // JFR keeps one queue of old-object samples per JVM: collect what earlier tests left there.
    System.gc();
    detector.startAllocationRecording();
    detector.startAllocationRecording(); // already running: no second recording
    List<Retained> retained = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              retained.addAll(retainForRecording());
              AllocationSites read = detector.allocationSites();
              return !read.sites().isEmpty()
                  && read.sites().get(0).frame().startsWith(Retained.class.getName());
            });
    AllocationSites sites = detector.report().allocationSites().orElseThrow();

    assertThat(sites.samples()).isPositive();
    AllocationSite top = sites.sites().get(0);
    assertThat(top.frame()).startsWith(Retained.class.getName() + ".<init>(LeakDetectorTest.java:");
    assertThat(top.objectTypes()).contains("[B");
    assertThat(top.stack()).anySatisfy(f -> assertThat(f).contains("retainForRecording"));
    assertThat(sites.toMap()).containsKeys("started", "read", "samples", "sites");
    assertThat(retained).isNotEmpty();
  }

  @Test
  void aHeapSuspicionCanStartTheRecording() {
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .config(
                    QUIET.toBuilder().heap(true).heapThreshold(0).recordOnSuspicion(true).build())
                .timeSource(time)
                .build());

    leakHeap(detector);

    assertThat(detector.report().heap().orElseThrow().state()).isEqualTo(LeakState.SUSPECTED);
    assertThat(detector.allocationSites().started())
        .isEqualTo(detector.report().heap().orElseThrow().since().orElseThrow());
  }

  @Test
  void startRunsOneNamedDaemonThreadThatCloseStops() {
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .name("lifecycle")
                .config(
                    QUIET.toBuilder()
                        .sampleInterval(Duration.ofMillis(20))
                        .minSpan(Duration.ofMillis(100))
                        .window(Duration.ofSeconds(10))
                        .withdrawAfter(Duration.ofSeconds(1))
                        .build())
                .gauge(LeakGauge.builder("g", () -> 1).build())
                .build());

    assertThat(detector.start()).isSameAs(detector);
    assertThat(detector.start()).isSameAs(detector);
    await().until(() -> detector.report().gauge("g").orElseThrow().value() == 1);
    assertThat(threadsNamed("reliability-leak-detector-lifecycle"))
        .singleElement()
        .satisfies(t -> assertThat(t.isDaemon()).isTrue());

    detector.close();
    detector.close();
    await().until(() -> threadsNamed("reliability-leak-detector-lifecycle").isEmpty());
    assertThatThrownBy(detector::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("leak detector lifecycle is closed");
  }

  @Test
  void aDisabledDetectorStartsNothing() {
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .name("off")
                .config(QUIET.toBuilder().enabled(false).build())
                .build());

    detector.start();

    assertThat(threadsNamed("reliability-leak-detector-off")).isEmpty();
    assertThat(log.list)
        .anySatisfy(
            l ->
                assertThat(l.getFormattedMessage())
                    .isEqualTo("Leak detector off is disabled by configuration"));
  }

  @Test
  void realCollectionsFeedTheHeapTrend() {
    LeakDetector detector =
        track(
            LeakDetector.builder()
                .name("gc")
                .config(
                    LeakDetectorConfig.builder()
                        .warmUp(Duration.ZERO)
                        .jvmGauges(false)
                        .sampleInterval(Duration.ofMillis(50))
                        .minSpan(Duration.ofMillis(250))
                        .window(Duration.ofSeconds(30))
                        .withdrawAfter(Duration.ofSeconds(1))
                        .build())
                .build()
                .start());

    await()
        .untilAsserted(
            () -> {
              System.gc();
              assertThat(detector.report().heap().orElseThrow().value()).isPositive();
            });
    assertThat(detector.report().heapThreshold()).isPositive();
  }

  @Test
  void builderRejectsClashingNames() {
    LeakDetector.Builder b = LeakDetector.builder().gauge(LeakGauge.builder("a", () -> 1).build());

    assertThatThrownBy(() -> b.gauge(LeakGauge.builder("a", () -> 2).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gauge name must be unique, was \"a\"");
    assertThatThrownBy(() -> b.gauge(LeakGauge.builder("heap", () -> 2).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gauge name must be unique, was \"heap\"");
    assertThatThrownBy(
            () ->
                LeakDetector.builder()
                    .gauge(LeakGauge.builder("threads.live", () -> 2).build())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gauge name must be unique, was \"threads.live\"");
    assertThatThrownBy(() -> LeakDetector.builder().name("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must be letters, digits, '-' and '_', was \"a b\"");
  }

  /** Feeds the heap a live set growing 10 MB a second for 90 s, polling every 5 s. */
  private void leakHeap(LeakDetector detector) {
    for (int s = 0; s < 90; s++) {
      long used = 20 * MB + s * 10 * MB;
      detector.heapCollection(used, used, false);
      time.advance(Duration.ofSeconds(1));
      if (s % 5 == 4) {
        detector.poll();
      }
    }
  }

  /** Adds {@code step} to a gauge every 5 s for two minutes, polling after each. */
  private void grow(LeakDetector detector, AtomicLong value, long step) {
    for (int i = 0; i < 24; i++) {
      value.addAndGet(step);
      time.advance(Duration.ofSeconds(5));
      detector.poll();
    }
  }

  private LeakDetector track(LeakDetector detector) {
    detectors.add(detector);
    return detector;
  }

  private List<ILoggingEvent> stateLines() {
    List<ILoggingEvent> lines = new ArrayList<>();
    for (ILoggingEvent e : log.list) {
      if ("leak_state_change".equals(keyValues(e).get("event"))) {
        lines.add(e);
      }
    }
    return lines;
  }

  private static Map<String, String> keyValues(ILoggingEvent e) {
    return new HashMap<>(e.getMDCPropertyMap());
  }

  private static List<Thread> threadsNamed(String name) {
    List<Thread> found = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name) && t.isAlive()) {
        found.add(t);
      }
    }
    return found;
  }

  private static List<Retained> retainForRecording() {
    List<Retained> retained = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      retained.add(new Retained(i));
    }
    return retained;
  }

  static final class Retained {
    final int id;
    final byte[] payload;

    Retained(int id) {
      this.id = id;
      this.payload = new byte[256];
    }
  }

  @Test
  void theBuilderAppliesItsSourceOverTheConfigurationAtBuild() {
    ConfigSource source = ConfigSource.fromMap("test", Map.of("reliability.leak.min-span", "45s"));

    LeakDetector overridden =
        track(LeakDetector.builder().config(QUIET).configSource(source).timeSource(time).build());
    LeakDetector inCode = track(LeakDetector.builder().config(QUIET).timeSource(time).build());

    assertThat(overridden.config().minSpan()).isEqualTo(Duration.ofSeconds(45));
    assertThat(overridden.config().heap()).isFalse();
    assertThat(inCode.config()).isSameAs(QUIET);
  }
}
