package dev.reliability.core.leak;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.core.internal.LogFields;
import dev.reliability.core.leak.internal.DiagnosticCommands;
import dev.reliability.core.leak.internal.HeapMonitor;
import dev.reliability.core.leak.internal.JfrSupport;
import dev.reliability.core.leak.internal.OldObjectRecorder;
import dev.reliability.core.policy.PolicyScheduler;
import dev.reliability.core.time.TimeSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the heap's live set after garbage collection, and any other gauge, for leaks: early,
 * quiet when nothing leaks, and able to say what leaks.
 *
 * <pre>{@code
 * try (LeakDetector detector = LeakDetector.builder()
 *     .config(LeakDetectorConfig.ofDefaults().withOverrides(ConfigSource.standard()))
 *     .gauge(LeakGauge.builder("sessions", sessions::size).minIncrease(500).build())
 *     .listener(new LeakListener() {
 *       @Override
 *       public void onStateChange(LeakEvent event) {
 *         alerts.send(event.message());
 *       }
 *     })
 *     .build()
 *     .start()) {
 *   LeakReport report = detector.report();
 * }
 * }</pre>
 *
 * <p><b>What it watches.</b> The heap through the JVM's garbage-collection notifications (the live
 * set after each collection: the old or tenured pool plus the survivor spaces; see {@link
 * TrendDetector} for how a trend is judged), the {@linkplain JvmGauges standard JVM gauges} unless
 * {@code jvm-gauges} is off, and every {@link LeakGauge} added. Each has its own {@link
 * TrendDetector}; the {@link LeakReport} correlates them into a diagnosis. The heap also has a
 * threshold alarm on post-GC usage (default 80% of the maximum), armed through the JVM's
 * collection-usage threshold.
 *
 * <p><b>Threads and cost.</b> {@link #start()} starts one daemon thread, {@code
 * reliability-leak-detector-<name>}, that reads the gauges and evaluates every {@code
 * sample-interval}; collection notifications arrive on the JDK's notification thread and only
 * record a number. Nothing runs on application threads. {@link #close()} stops the thread, removes
 * the listeners and restores the pool's threshold. Without {@link #start()}, a caller can drive the
 * detector with {@link #poll()}, as tests do with a {@code ManualTimeSource}; or it can hand the
 * detector a {@link PolicyScheduler}, such as a {@code ManualScheduler}, through {@link
 * Builder#scheduler(PolicyScheduler)}.
 *
 * <p><b>A sampling loop that survives anything.</b> Whatever a sample throws, including an {@link
 * Error} such as a {@link StackOverflowError} from a user's gauge or an {@link OutOfMemoryError}
 * under the very pressure the detector watches, is caught, counted ({@link #samplingFailures()})
 * and logged, and the next sample is scheduled as usual. A {@link VirtualMachineError} is not
 * rethrown: on the sampling thread it would reach no one (an executor keeps a task's exception in a
 * future nobody reads) and would only end the loop, while the JVM's own reactions to an {@link
 * OutOfMemoryError} ({@code -XX:+ExitOnOutOfMemoryError}, {@code -XX:+HeapDumpOnOutOfMemoryError})
 * happen where it is thrown, before any catch. A gauge whose read throws is skipped for that
 * sample; a listener that throws does not stop the others.
 *
 * <p><b>Staleness.</b> Once started, the detector expects a fresh report every {@code
 * sample-interval}. When none has been made for {@value #STALE_AFTER_INTERVALS} intervals (the
 * samples keep failing, or the sampling thread is starved or stuck), {@link #report()} says so:
 * {@link LeakReport#stale()} is true and {@link LeakReport#staleSince()} tells since when, and the
 * health module's leak check turns degraded with that time in its message. The next successful
 * sample clears it.
 *
 * <p><b>Finding what leaks.</b> {@link #findSuspects()} diffs class histograms (each forces a full
 * GC, so they are rate-limited by {@code histogram-min-interval}); {@link
 * #startAllocationRecording()} and {@link #allocationSites()} use a bounded JFR recording of
 * long-lived objects' allocation sites, started automatically on a heap suspicion when {@code
 * record-on-suspicion} is on. Both appear in the {@link LeakReport}.
 *
 * <p>Every state change is logged on {@code dev.reliability.core.leak.LeakDetector} as one line
 * with key-value pairs ({@code leak_gauge}, {@code leak_kind}, {@code leak_state}, {@code
 * previous_state}, {@code growth_per_minute}, {@code time_to_exhaustion_seconds}, ...): warn for
 * suspected and confirmed, info when withdrawn.
 *
 * <p>Thread-safe. Trend analysis is written here because no JVM library offers it; the samples come
 * from the JDK's management beans, histograms from HotSpot's {@code DiagnosticCommand} bean and
 * allocation sites from JDK Flight Recorder.
 */
public final class LeakDetector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeakDetector.class);

  /** The name of the heap's gauge in reports. */
  public static final String HEAP_GAUGE = "heap";

  /**
   * How many {@code sample-interval}s may pass without a new report before a started detector's
   * report is {@linkplain LeakReport#stale() stale}.
   */
  public static final int STALE_AFTER_INTERVALS = 3;

  private final String name;
  private final LeakDetectorConfig config;
  private final TimeSource time;
  private final List<LeakListener> listeners;
  private final List<LeakGauge> gauges;
  private final List<TrendDetector> trends;
  private final TrendDetector heapTrend;
  private final HeapMonitor heapMonitor;
  private final Supplier<String> histogramSource;
  private final PolicyScheduler givenScheduler;
  private final long intervalNanos;
  private final long staleAfterNanos;
  private final AtomicLong samplingFailures = new AtomicLong();
  private final ReentrantLock pollLock = new ReentrantLock();
  private final ReentrantLock diagnosticsLock = new ReentrantLock();
  private final Map<String, LeakState> states = new HashMap<>();
  private final Set<String> failedGauges = new HashSet<>();
  private final Map<String, Object> episodes = new HashMap<>();

  private volatile LeakReport report;
  private volatile boolean started;
  private volatile boolean closed;
  private volatile boolean notifications;
  // The sampling loop's state, guarded by pollLock.
  private ScheduledExecutorService ownExecutor;
  private PolicyScheduler scheduler;
  private Future<?> nextSample;
  private long nextDueNanos;
  private int failureStreak;
  // When the last report was made, by time.nanoTime(); read by report() for staleness.
  private volatile long refreshedNanos;
  private ClassHistogram baseline;
  private long lastHistogramNanos;
  private boolean histogramTaken;
  private volatile LeakSuspects suspects;
  private volatile OldObjectRecorder recorder;
  private volatile AllocationSites sites;
  private boolean recordingFailed;

  private LeakDetector(Builder b) {
    this.name = b.name;
    this.config = b.config;
    this.time = b.time;
    this.listeners = List.copyOf(b.listeners);
    this.histogramSource = b.histogramSource;
    this.givenScheduler = b.scheduler;
    this.intervalNanos = config.sampleInterval().toNanos();
    this.staleAfterNanos = intervalNanos * STALE_AFTER_INTERVALS;
    List<LeakGauge> all = new ArrayList<>();
    if (config.jvmGauges()) {
      all.addAll(JvmGauges.all());
    }
    all.addAll(b.gauges);
    this.gauges = List.copyOf(all);
    List<TrendDetector> list = new ArrayList<>();
    if (config.heap()) {
      this.heapMonitor = new HeapMonitor(new HeapSink(), config.heapThreshold());
      this.heapTrend =
          TrendDetector.builder(HEAP_GAUGE)
              .kind(LeakKind.HEAP)
              .unit(GaugeUnit.BYTES)
              .limit(heapMonitor::limit)
              .config(config)
              .timeSource(time)
              .build();
      list.add(heapTrend);
    } else {
      this.heapMonitor = null;
      this.heapTrend = null;
    }
    for (LeakGauge g : gauges) {
      TrendDetector.Builder t =
          TrendDetector.builder(g.name())
              .kind(g.kind())
              .unit(g.unit())
              .config(config)
              .timeSource(time);
      if (g.limit() != null) {
        t.limit(g.limit());
      }
      if (g.minIncrease() > 0) {
        t.minIncrease(g.minIncrease());
      }
      list.add(t.build());
    }
    this.trends = List.copyOf(list);
    for (TrendDetector t : trends) {
      states.put(t.name(), LeakState.NONE);
    }
    this.report = buildReport();
  }

  /**
   * Starts a builder with the default configuration.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns this detector's name, used in its thread's name and log lines.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  public LeakDetectorConfig config() {
    return config;
  }

  /**
   * Registers the heap listeners, arms the threshold and starts the sampling thread. Does nothing
   * when already started or when the configuration disables the detector.
   *
   * @return this detector
   * @throws IllegalStateException if the detector is closed
   */
  public LeakDetector start() {
    if (closed) {
      throw new IllegalStateException("leak detector " + name + " is closed");
    }
    pollLock.lock();
    try {
      if (started) {
        return this;
      }
      if (!config.enabled()) {
        LOG.info("Leak detector {} is disabled by configuration", name);
        return this;
      }
      started = true;
      if (heapMonitor != null) {
        notifications = heapMonitor.start();
      }
      if (givenScheduler != null) {
        scheduler = givenScheduler;
      } else {
        ownExecutor =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "reliability-leak-detector-" + name);
                  t.setDaemon(true);
                  return t;
                });
        scheduler = PolicyScheduler.of(ownExecutor);
      }
      long now = scheduler.timeSource().nanoTime();
      refreshedNanos = time.nanoTime();
      nextDueNanos = now + intervalNanos;
      nextSample = scheduler.schedule(this::sample, intervalNanos);
      LOG.info(
          "Leak detector {} started: heap pool {}, {} gauges, {}",
          name,
          heapMonitor == null ? "not watched" : heapMonitor.poolName(),
          gauges.size(),
          config);
      return this;
    } finally {
      pollLock.unlock();
    }
  }

  /**
   * One run of the sampling loop: samples, reports any failure and schedules the next run whatever
   * happened. Rescheduling one run at a time (rather than a periodic task, which an executor
   * cancels for good when it throws) is what keeps the loop alive.
   */
  private void sample() {
    try {
      poll();
    } catch (Throwable t) {
      sampleFailed(t);
    } finally {
      scheduleNext();
    }
  }

  private void scheduleNext() {
    pollLock.lock();
    try {
      if (closed || scheduler == null) {
        return;
      }
      long now = scheduler.timeSource().nanoTime();
      // Fixed rate without bursts: a loop that fell behind skips the beats it missed.
      long next = nextDueNanos + intervalNanos;
      if (next - now <= 0) {
        next = now + intervalNanos;
      }
      nextDueNanos = next;
      nextSample = scheduler.schedule(this::sample, next - now);
    } catch (Throwable t) {
      // Only a rejected or failed schedule lands here; the report turns stale and says so.
      sampleFailed(t);
    } finally {
      pollLock.unlock();
    }
  }

  // Counts first (no allocation), then logs; logging itself may fail under memory pressure.
  private void sampleFailed(Throwable failure) {
    samplingFailures.incrementAndGet();
    try {
      int streak;
      pollLock.lock();
      try {
        streak = ++failureStreak;
      } finally {
        pollLock.unlock();
      }
      if (streak == 1) {
        LOG.warn("Leak detector {} failed to sample; it keeps sampling", name, failure);
      } else {
        LOG.warn(
            "Leak detector {} failed to sample {} times in a row; last failure: {}",
            name,
            streak,
            failure.toString());
      }
    } catch (Throwable ignored) {
      // Nothing more can be done; the count and the report's staleness still tell.
    }
  }

  /**
   * Returns how many scheduled samples failed since the detector was built: each is logged, and the
   * loop went on. A growing count with a {@linkplain LeakReport#stale() stale} report means the
   * detector cannot sample.
   *
   * @return the number of failed samples
   */
  public long samplingFailures() {
    return samplingFailures.get();
  }

  /**
   * Reads every gauge once, evaluates every trend, notifies listeners of state changes and returns
   * the new report. The sampling thread calls this every {@code sample-interval}; call it yourself
   * to drive a detector that was not started.
   *
   * @return the new report
   */
  public LeakReport poll() {
    pollLock.lock();
    try {
      if (heapMonitor != null && started && !notifications) {
        heapMonitor.poll();
      }
      for (int i = 0; i < gauges.size(); i++) {
        LeakGauge g = gauges.get(i);
        TrendDetector t = trends.get(i + (heapTrend == null ? 0 : 1));
        long value;
        try {
          value = g.value().getAsLong();
        } catch (Throwable e) {
          if (failedGauges.add(g.name())) {
            LOG.warn(
                "Gauge {} of leak detector {} could not be read; skipping it", g.name(), name, e);
          }
          continue;
        }
        if (value >= 0) {
          t.record(value);
        }
      }
      List<GaugeTrend> evaluated = new ArrayList<>(trends.size());
      for (TrendDetector t : trends) {
        evaluated.add(t.evaluate());
      }
      LeakReport next = buildReport(evaluated);
      report = next;
      refreshedNanos = time.nanoTime();
      if (failureStreak > 0) {
        LOG.info("Leak detector {} samples again after {} failed samples", name, failureStreak);
        failureStreak = 0;
      }
      for (GaugeTrend t : evaluated) {
        LeakState was = states.put(t.name(), t.state());
        // A new suspicion that replaces a standing one keeps the state but starts a new episode.
        Object episode = t.since().orElse(null);
        boolean renewed =
            !java.util.Objects.equals(episodes.put(t.name(), episode), episode)
                && was == t.state()
                && t.state() == LeakState.SUSPECTED;
        if (was != t.state() || renewed) {
          stateChanged(was, t);
        }
        if (t.exhaustionImminent()
            && !java.util.Objects.equals(episodes.put(t.name() + "#imminent", episode), episode)) {
          notify(LeakEvent.Type.EXHAUSTION_IMMINENT, t.state(), t);
        }
      }
      return next;
    } finally {
      pollLock.unlock();
    }
  }

  /**
   * Returns the latest report, from the last {@link #poll()}. When the detector is started and no
   * report was made for {@value #STALE_AFTER_INTERVALS} sample intervals, the report returned is
   * marked {@linkplain LeakReport#stale() stale}, with {@linkplain LeakReport#staleSince() the
   * time} it became so; a detector that was not started, or was closed, never reports stale.
   *
   * @return the report
   */
  public LeakReport report() {
    LeakReport r = report;
    if (!started || closed) {
      return r;
    }
    long overdue = time.nanoTime() - refreshedNanos - staleAfterNanos;
    if (overdue < 0) {
      return r;
    }
    Instant since = time.now().minusNanos(overdue);
    return r.markedStale(since, Duration.ofNanos(staleAfterNanos));
  }

  private LeakReport buildReport() {
    List<GaugeTrend> last = new ArrayList<>();
    for (TrendDetector t : trends) {
      last.add(t.last());
    }
    return buildReport(last);
  }

  private LeakReport buildReport(List<GaugeTrend> evaluated) {
    return new LeakReport(
        time.now(),
        evaluated,
        heapMonitor != null && heapMonitor.thresholdExceeded(),
        heapMonitor == null ? -1 : heapMonitor.threshold(),
        heapMonitor == null ? null : heapMonitor.poolName(),
        suspects,
        sites);
  }

  private void stateChanged(LeakState was, GaugeTrend t) {
    notify(LeakEvent.Type.STATE_CHANGED, was, t);
  }

  private void notify(LeakEvent.Type type, LeakState was, GaugeTrend t) {
    String verb;
    if (type == LeakEvent.Type.EXHAUSTION_IMMINENT) {
      verb = "Exhaustion imminent in ";
    } else if (t.state() == LeakState.SUSPECTED && was == LeakState.NONE) {
      verb = "Leak suspected in ";
    } else if (t.state() == LeakState.SUSPECTED && was == LeakState.SUSPECTED) {
      verb = "New leak suspected in ";
    } else if (t.state() == LeakState.CONFIRMED) {
      verb = "Leak confirmed in ";
    } else {
      verb = "Leak withdrawn for ";
    }
    StringBuilder message = new StringBuilder(verb).append(t.name()).append(": ");
    message.append(t.explanation());
    t.timeToExhaustion()
        .ifPresent(
            d ->
                message
                    .append("; exhausted in about ")
                    .append(DurationText.format(Duration.ofSeconds(Math.max(1, d.toSeconds())))));
    LeakEvent event = new LeakEvent(type, t.time(), t, was, -1, -1, message.toString());
    boolean imminent = type == LeakEvent.Type.EXHAUSTION_IMMINENT;
    LogFields log =
        LogFields.of("event", imminent ? "leak_exhaustion_imminent" : "leak_state_change")
            .and("leak_detector", name)
            .and("leak_gauge", t.name())
            .and("leak_kind", t.kind().jsonName())
            .and("leak_state", t.state().jsonName())
            .and("previous_state", was.jsonName())
            .and("value", t.value())
            .and("growth_per_minute", Math.round(t.growthPerMinute()))
            .and("evidence_span_seconds", t.span().toSeconds())
            .and("samples", t.samples());
    t.baseline().ifPresent(v -> log.and("baseline", v));
    t.limit().ifPresent(v -> log.and("limit", v));
    t.timeToExhaustion().ifPresent(d -> log.and("time_to_exhaustion_seconds", d.toSeconds()));
    if (imminent) {
      log.error(LOG, event.message());
    } else if (t.state().isLeak()) {
      log.warn(LOG, event.message());
    } else {
      log.info(LOG, event.message());
    }
    for (LeakListener l : listeners) {
      try {
        l.onStateChange(event);
      } catch (Throwable e) {
        LOG.warn("Leak listener {} failed on {}", l, event, e);
      }
    }
    if (t.kind() == LeakKind.HEAP
        && was == LeakState.NONE
        && t.state().isLeak()
        && config.recordOnSuspicion()
        && recorder == null
        && !recordingFailed) {
      try {
        startAllocationRecording();
      } catch (Throwable e) {
        recordingFailed = true;
        LOG.warn("Leak detector {} could not start an allocation recording", name, e);
      }
    }
  }

  void threshold(LeakEvent.Type type, long used, long threshold) {
    GaugeTrend heap = heapTrend.last();
    String message =
        type == LeakEvent.Type.THRESHOLD_EXCEEDED
            ? String.format(
                Locale.ROOT,
                "Heap usage after GC (%s) reached the %s threshold of %s (%.0f%% of %s)",
                GaugeUnit.BYTES.format(used),
                heapMonitor.poolName(),
                GaugeUnit.BYTES.format(threshold),
                config.heapThreshold() * 100,
                GaugeUnit.BYTES.format(heapMonitor.limit()))
            : String.format(
                Locale.ROOT,
                "Heap usage after GC (%s) is back below the %s threshold of %s",
                GaugeUnit.BYTES.format(used),
                heapMonitor.poolName(),
                GaugeUnit.BYTES.format(threshold));
    LeakEvent event = new LeakEvent(type, time.now(), heap, heap.state(), used, threshold, message);
    LogFields log =
        LogFields.of("event", "leak_" + type.jsonName())
            .and("leak_detector", name)
            .and("heap_pool", heapMonitor.poolName())
            .and("used", used)
            .and("threshold", threshold);
    if (type == LeakEvent.Type.THRESHOLD_EXCEEDED) {
      log.warn(LOG, message);
    } else {
      log.info(LOG, message);
    }
    for (LeakListener l : listeners) {
      try {
        l.onThreshold(event);
      } catch (Throwable e) {
        LOG.warn("Leak listener {} failed on {}", l, event, e);
      }
    }
  }

  /**
   * Takes a class histogram now. Forces a full garbage collection (a stop-the-world pause), so
   * calls closer together than {@code histogram-min-interval} are refused.
   *
   * @return the histogram
   * @throws RateLimitExceededException if the previous histogram was taken too recently; its {@code
   *     retryAfter()} says when the next is allowed
   * @throws UnsupportedOperationException if the JVM has no {@code DiagnosticCommand} bean
   */
  public ClassHistogram takeClassHistogram() {
    diagnosticsLock.lock();
    try {
      long now = time.nanoTime();
      long min = config.histogramMinInterval().toNanos();
      if (histogramTaken && now - lastHistogramNanos < min) {
        throw new RateLimitExceededException(
            "leak-detector." + name + ".class-histogram",
            Duration.ofNanos(min - (now - lastHistogramNanos)));
      }
      histogramTaken = true;
      lastHistogramNanos = now;
    } finally {
      diagnosticsLock.unlock();
    }
    String text = histogramSource.get();
    return ClassHistogram.parse(text, time.now());
  }

  /**
   * Takes a class histogram and lists the classes that grew most since the first histogram this
   * detector took (the baseline). The first call only takes the baseline and returns an empty list.
   * The result also appears in {@link #report()}.
   *
   * @return the suspects
   * @throws RateLimitExceededException if the previous histogram was taken too recently
   * @throws UnsupportedOperationException if the JVM has no {@code DiagnosticCommand} bean
   */
  public LeakSuspects findSuspects() {
    ClassHistogram now = takeClassHistogram();
    LeakSuspects result;
    diagnosticsLock.lock();
    try {
      if (baseline == null) {
        baseline = now;
      }
      result = now.growthSince(baseline, config.suspectsLimit());
      suspects = result;
    } finally {
      diagnosticsLock.unlock();
    }
    report = buildReport();
    return result;
  }

  /**
   * Forgets the histogram baseline, so the next {@link #findSuspects()} starts a new comparison.
   */
  public void resetSuspects() {
    diagnosticsLock.lock();
    try {
      baseline = null;
      suspects = null;
    } finally {
      diagnosticsLock.unlock();
    }
  }

  /**
   * Returns whether allocation sites can be recorded: JFR is present.
   *
   * @return true if {@link #startAllocationRecording()} can work
   */
  public static boolean allocationRecordingAvailable() {
    return JfrSupport.available();
  }

  /**
   * Starts a JFR recording of long-lived objects' allocation sites ({@code jdk.OldObjectSample}
   * with stack traces), bounded by {@code recording-max-size} and {@code recording-duration}. Does
   * nothing if one is running.
   *
   * @throws UnsupportedOperationException if JFR is not available or refuses to record
   * @throws IllegalStateException if the detector is closed
   */
  public void startAllocationRecording() {
    if (closed) {
      throw new IllegalStateException("leak detector " + name + " is closed");
    }
    diagnosticsLock.lock();
    try {
      OldObjectRecorder r = recorder;
      if (r != null && r.running()) {
        return;
      }
      if (!JfrSupport.available()) {
        throw new UnsupportedOperationException("allocation sites need the jdk.jfr module");
      }
      if (r != null) {
        r.close();
      }
      recorder =
          OldObjectRecorder.start(
              config.recordingMaxSize(),
              config.recordingDuration(),
              config.recordingCutoff(),
              time.now());
      LOG.info(
          "Leak detector {} started recording allocation sites of long-lived objects for {}",
          name,
          DurationText.format(config.recordingDuration()));
    } finally {
      diagnosticsLock.unlock();
    }
  }

  /**
   * Reads the allocation recording: the sites where the sampled objects that are still alive were
   * allocated, most samples first. The recording keeps running until its duration ends. The result
   * also appears in {@link #report()}.
   *
   * @return the allocation sites
   * @throws IllegalStateException if no recording was started
   * @throws UncheckedIOException if the recording cannot be dumped or read
   */
  public AllocationSites allocationSites() {
    OldObjectRecorder r = recorder;
    if (r == null) {
      throw new IllegalStateException(
          "no allocation recording; call startAllocationRecording() first");
    }
    try {
      AllocationSites result = r.read(config.suspectsLimit(), time.now());
      sites = result;
      report = buildReport();
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the allocation recording", e);
    }
  }

  /**
   * Stops the sampling thread, removes the heap listeners, restores the pool's threshold and stops
   * any allocation recording. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ScheduledExecutorService s;
    pollLock.lock();
    try {
      s = ownExecutor;
      ownExecutor = null;
      scheduler = null;
      if (nextSample != null) {
        nextSample.cancel(false);
        nextSample = null;
      }
    } finally {
      pollLock.unlock();
    }
    if (s != null) {
      s.shutdownNow();
      try {
        s.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (heapMonitor != null) {
      heapMonitor.close();
    }
    OldObjectRecorder r = recorder;
    if (r != null) {
      r.close();
    }
  }

  @Override
  public String toString() {
    return "LeakDetector[" + name + ", " + report.state().jsonName() + "]";
  }

  // For tests in this package: feed the heap as collection notifications would.
  void heapCollection(long usedBefore, long usedAfter, boolean major) {
    heapTrend.recordCollection(usedBefore, usedAfter, major);
  }

  private final class HeapSink implements HeapMonitor.Sink {
    @Override
    public void collection(long liveAfter, boolean reclaimed) {
      heapTrend.recordLive(liveAfter, reclaimed);
    }

    @Override
    public void thresholdExceeded(long usedAfter, long threshold) {
      threshold(LeakEvent.Type.THRESHOLD_EXCEEDED, usedAfter, threshold);
    }

    @Override
    public void thresholdCleared(long usedAfter, long threshold) {
      threshold(LeakEvent.Type.THRESHOLD_CLEARED, usedAfter, threshold);
    }
  }

  /** Builds a {@link LeakDetector}. Not thread-safe. */
  public static final class Builder {
    private String name = "default";
    private LeakDetectorConfig config = LeakDetectorConfig.ofDefaults();
    private ConfigSource configSource;
    private TimeSource time = TimeSource.system();
    private final List<LeakListener> listeners = new ArrayList<>();
    private final List<LeakGauge> gauges = new ArrayList<>();
    private Supplier<String> histogramSource = DiagnosticCommands::classHistogram;
    private PolicyScheduler scheduler;
    private boolean timeSet;

    private Builder() {}

    /**
     * Sets the name, used in the thread's name, log lines and rate-limit messages. Default {@code
     * default}.
     *
     * @param name letters, digits, {@code -} and {@code _}
     * @return this builder
     * @throws IllegalArgumentException if the name has other characters
     */
    public Builder name(String name) {
      Checks.notNull("name", name);
      Checks.check(
          name.matches("[A-Za-z0-9][A-Za-z0-9_-]*"),
          "name",
          "letters, digits, '-' and '_'",
          "\"" + name + "\"");
      this.name = name;
      return this;
    }

    /**
     * Sets the configuration. Default {@link LeakDetectorConfig#ofDefaults()}.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(LeakDetectorConfig config) {
      this.config = Checks.notNull("config", config);
      return this;
    }

    /**
     * Sets where the configuration's settings are read from at {@link #build()}: the source
     * overrides the {@linkplain #config(LeakDetectorConfig) configuration} (see {@link
     * LeakDetectorConfig#withOverrides(ConfigSource)}). Default none: the configuration only.
     *
     * @param source the source, such as {@link ConfigSource#standard()}
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.configSource = Checks.notNull("source", source);
      return this;
    }

    /**
     * Sets the time source. Default {@link TimeSource#system()}.
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Checks.notNull("timeSource", time);
      this.timeSet = true;
      return this;
    }

    /**
     * Sets the scheduler that runs the sampling loop after {@link LeakDetector#start()}. Default: a
     * daemon thread of the detector's own, {@code reliability-leak-detector-<name>}. Tests pass a
     * {@code ManualScheduler} to run samples when they advance its clock; unless {@link
     * #timeSource(TimeSource)} is also set, the detector then reads time from the scheduler's
     * {@link PolicyScheduler#timeSource()}. The detector does not shut a given scheduler down.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(PolicyScheduler scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      if (!timeSet) {
        this.time = scheduler.timeSource();
      }
      return this;
    }

    /**
     * Adds a listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(LeakListener listener) {
      listeners.add(Checks.notNull("listener", listener));
      return this;
    }

    /**
     * Adds a gauge to watch, such as a registry's size.
     *
     * @param gauge the gauge; its name must differ from every other gauge's and from {@code heap}
     * @return this builder
     * @throws IllegalArgumentException if the name is taken
     */
    public Builder gauge(LeakGauge gauge) {
      Checks.notNull("gauge", gauge);
      boolean taken = gauge.name().equals(HEAP_GAUGE);
      for (LeakGauge g : gauges) {
        taken |= g.name().equals(gauge.name());
      }
      Checks.check(!taken, "gauge name", "unique", "\"" + gauge.name() + "\"");
      gauges.add(gauge);
      return this;
    }

    Builder histogramSource(Supplier<String> source) {
      this.histogramSource = source;
      return this;
    }

    /**
     * Builds the detector; nothing is sampled until {@link LeakDetector#start()} or {@link
     * LeakDetector#poll()}.
     *
     * @return a new detector
     * @throws IllegalArgumentException if a gauge has the name of a standard JVM gauge that is also
     *     watched
     * @throws dev.reliability.core.config.ConfigurationException if the configuration source holds
     *     an invalid setting
     */
    public LeakDetector build() {
      if (configSource != null) {
        config = config.withOverrides(configSource);
        configSource = null;
      }
      if (config.jvmGauges()) {
        for (LeakGauge jvm : JvmGauges.all()) {
          for (LeakGauge g : gauges) {
            Checks.check(
                !g.name().equals(jvm.name()), "gauge name", "unique", "\"" + g.name() + "\"");
          }
        }
      }
      return new LeakDetector(this);
    }
  }
}
