package dev.reliability.core.leak.internal;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the heap's long-lived pool through the JVM's garbage-collection notifications and its
 * collection-usage threshold.
 *
 * <p>The watched pool is the old or tenured generation where the collector has one ({@code G1 Old
 * Gen}, {@code PS Old Gen}, {@code Tenured Gen}, {@code ZGC Old Generation}), else the only heap
 * pool ({@code ZHeap}, {@code Shenandoah}), else the sum of all heap pools. After every collection
 * that reports the pool, the {@link Sink} receives the live set (the pool plus the survivor spaces,
 * so objects that outlived a young collection count before they are promoted) and whether the old
 * pool gave memory back (at least 0.5% of its maximum, or 1 MB). Pause-only notifications (ZGC and
 * Shenandoah pause beans, which report no usage) are skipped. Where the JVM sends no notifications,
 * {@link #poll()} reads the pool's collection usage instead.
 *
 * <p>Notifications arrive on the JDK's notification thread; the sink must be quick. Once {@link
 * #close()} has returned, the sink receives nothing more.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class HeapMonitor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HeapMonitor.class);

  /** Receives heap samples and threshold changes. */
  public interface Sink {
    /**
     * Called after a collection.
     *
     * @param liveAfter the old pool's and the survivor spaces' usage after the collection: what
     *     outlived it
     * @param reclaimed whether the old pool gave memory back: a full, old-generation or whole-heap
     *     collection, or usage that fell during the collection or since the last one
     */
    void collection(long liveAfter, boolean reclaimed);

    /**
     * Called when post-collection usage crosses the threshold upwards.
     *
     * @param usedAfter the usage that crossed
     * @param threshold the threshold in bytes
     */
    void thresholdExceeded(long usedAfter, long threshold);

    /**
     * Called when post-collection usage falls back below the threshold.
     *
     * @param usedAfter the usage
     * @param threshold the threshold in bytes
     */
    void thresholdCleared(long usedAfter, long threshold);
  }

  private final Sink sink;
  private final MemoryPoolMXBean pool;
  private final String poolName;
  private final List<String> survivorPools = new ArrayList<>();
  private final boolean wholeHeapPool;
  private final double thresholdFraction;
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener gcListener = this::onGc;
  private final NotificationListener memoryListener = this::onMemory;
  private NotificationEmitter memoryEmitter;
  private long previousThreshold = -1;
  private volatile long threshold = -1;
  private volatile boolean exceeded;
  private volatile long lastCollectionCount = -1;
  private volatile long lastAfter = -1;
  private volatile boolean closed;

  /**
   * Creates a monitor; nothing is registered until {@link #start()}.
   *
   * @param sink receives samples
   * @param thresholdFraction the post-GC usage fraction of the pool's maximum that raises the
   *     threshold alarm, or 0 for none
   */
  public HeapMonitor(Sink sink, double thresholdFraction) {
    this.sink = sink;
    this.thresholdFraction = thresholdFraction;
    MemoryPoolMXBean chosen = null;
    List<MemoryPoolMXBean> heapPools = new ArrayList<>();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.isValid()) {
        heapPools.add(p);
        String name = p.getName().toLowerCase(Locale.ROOT);
        if (chosen == null && (name.contains("old") || name.contains("tenured"))) {
          chosen = p;
        }
      }
    }
    if (chosen == null && heapPools.size() == 1) {
      chosen = heapPools.get(0);
    }
    this.pool = chosen;
    this.poolName = chosen == null ? "heap" : chosen.getName();
    this.wholeHeapPool = chosen != null && heapPools.size() == 1;
    if (chosen != null) {
      for (MemoryPoolMXBean p : heapPools) {
        if (p.getName().toLowerCase(Locale.ROOT).contains("survivor")) {
          survivorPools.add(p.getName());
        }
      }
    }
  }

  /**
   * Returns the name of the watched pool, or {@code heap} when all heap pools are summed.
   *
   * @return the pool name
   */
  public String poolName() {
    return poolName;
  }

  /**
   * Returns the watched pool's maximum, or the JVM's maximum heap when the pool has none.
   *
   * @return the limit in bytes
   */
  public long limit() {
    long max = pool == null ? -1 : pool.getUsage().getMax();
    return max > 0 ? max : Runtime.getRuntime().maxMemory();
  }

  /**
   * Returns the threshold armed on the pool.
   *
   * @return bytes, or -1 when there is none
   */
  public long threshold() {
    return threshold;
  }

  /**
   * Returns whether post-collection usage is at or above the threshold.
   *
   * @return whether the threshold alarm is raised
   */
  public boolean thresholdExceeded() {
    return exceeded;
  }

  /**
   * Registers the listeners and arms the threshold.
   *
   * @return whether collection notifications are available (otherwise call {@link #poll()})
   */
  public synchronized boolean start() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(gcListener, null, null);
        emitters.add(emitter);
      }
    }
    if (thresholdFraction > 0) {
      threshold = (long) (thresholdFraction * limit());
      if (pool != null && pool.isCollectionUsageThresholdSupported()) {
        previousThreshold = pool.getCollectionUsageThreshold();
        pool.setCollectionUsageThreshold(threshold);
        if (ManagementFactory.getMemoryMXBean() instanceof NotificationEmitter memory) {
          memory.addNotificationListener(memoryListener, null, null);
          memoryEmitter = memory;
        }
      }
    }
    return !emitters.isEmpty();
  }

  /**
   * Samples the pool's collection usage if collections happened since the last call; for JVMs
   * without collection notifications.
   */
  public void poll() {
    if (pool == null) {
      return;
    }
    long count = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
    }
    if (count == lastCollectionCount) {
      return;
    }
    lastCollectionCount = count;
    MemoryUsage usage = pool.getCollectionUsage();
    if (usage != null) {
      long before = lastAfter < 0 ? usage.getUsed() : lastAfter;
      sample(before, usage.getUsed(), usage.getUsed(), wholeHeapPool);
    }
  }

  // Synchronized with close(): a notification in flight when close() is called either completes
  // before close() returns or sees the monitor closed, so nothing reaches the sink afterwards.
  private synchronized void onGc(Notification n, Object handback) {
    if (closed
        || !GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    try {
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
      Map<String, MemoryUsage> before = info.getGcInfo().getMemoryUsageBeforeGc();
      Map<String, MemoryUsage> after = info.getGcInfo().getMemoryUsageAfterGc();
      long usedBefore;
      long usedAfter;
      long live;
      if (pool != null) {
        MemoryUsage b = before.get(poolName);
        MemoryUsage a = after.get(poolName);
        if (a == null || b == null) {
          return;
        }
        usedBefore = b.getUsed();
        usedAfter = a.getUsed();
        live = usedAfter;
        for (String survivor : survivorPools) {
          MemoryUsage s = after.get(survivor);
          if (s != null) {
            live += s.getUsed();
          }
        }
      } else {
        usedBefore = 0;
        usedAfter = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
          if (p.getType() == MemoryType.HEAP && after.containsKey(p.getName())) {
            usedBefore += before.get(p.getName()).getUsed();
            usedAfter += after.get(p.getName()).getUsed();
          }
        }
        live = usedAfter;
      }
      String name = info.getGcName();
      if (name.contains("Pauses") || (usedBefore == 0 && usedAfter == 0)) {
        return; // pause notifications carry no usage
      }
      sample(usedBefore, usedAfter, live, isMajor(name, info.getGcAction(), wholeHeapPool));
    } catch (RuntimeException e) {
      LOG.warn("Could not read a garbage-collection notification", e);
    }
  }

  /**
   * Returns whether a collection reclaims the old generation or the whole heap.
   *
   * @param gcName the collector bean's name, such as {@code G1 Old Generation}
   * @param gcAction the action, such as {@code end of major GC}
   * @param wholeHeapPool whether the watched pool is the only heap pool (ZGC, Shenandoah)
   * @return true for full, old-generation and major collections, and every cycle of a single-pool
   *     collector
   */
  public static boolean isMajor(String gcName, String gcAction, boolean wholeHeapPool) {
    String name = gcName.toLowerCase(Locale.ROOT);
    return wholeHeapPool
        || gcAction.toLowerCase(Locale.ROOT).contains("major")
        || name.contains("old")
        || name.contains("marksweep")
        || name.contains("major");
  }

  private void sample(long before, long after, long live, boolean major) {
    long tolerance = Math.max(1024 * 1024, limit() / 200);
    boolean reclaimed =
        major || after < before - tolerance || (lastAfter >= 0 && before < lastAfter - tolerance);
    lastAfter = after;
    sink.collection(live, reclaimed);
    long t = threshold;
    if (t > 0) {
      if (exceeded && after < t) {
        exceeded = false;
        sink.thresholdCleared(after, t);
      } else if (!exceeded && after >= t && memoryEmitter == null) {
        // No JVM threshold on this pool: detect the crossing from the samples.
        exceeded = true;
        sink.thresholdExceeded(after, t);
      }
    }
  }

  private synchronized void onMemory(Notification n, Object handback) {
    if (closed
        || !MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(n.getType())) {
      return;
    }
    try {
      MemoryNotificationInfo info = MemoryNotificationInfo.from((CompositeData) n.getUserData());
      if (info.getPoolName().equals(poolName) && !exceeded) {
        exceeded = true;
        sink.thresholdExceeded(info.getUsage().getUsed(), threshold);
      }
    } catch (RuntimeException e) {
      LOG.warn("Could not read a memory threshold notification", e);
    }
  }

  /** Removes the listeners and restores the pool's previous threshold. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(gcListener);
      } catch (ListenerNotFoundException ignored) {
        // already gone
      }
    }
    emitters.clear();
    if (memoryEmitter != null) {
      try {
        memoryEmitter.removeNotificationListener(memoryListener);
      } catch (ListenerNotFoundException ignored) {
        // already gone
      }
      memoryEmitter = null;
    }
    if (pool != null && previousThreshold >= 0 && pool.isCollectionUsageThresholdSupported()) {
      try {
        pool.setCollectionUsageThreshold(previousThreshold);
      } catch (RuntimeException e) {
        LOG.debug("Could not restore the collection usage threshold of {}", poolName, e);
      }
    }
  }
}
