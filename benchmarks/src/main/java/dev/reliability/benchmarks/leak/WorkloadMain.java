package dev.reliability.benchmarks.leak;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.leak.JvmGauges;
import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.leak.LeakDetectorConfig;
import dev.reliability.core.leak.LeakEvent;
import dev.reliability.core.leak.LeakGauge;
import dev.reliability.core.leak.LeakListener;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The forked JVM of the {@link LeakHarness}: runs one {@link Workload} with a {@link LeakDetector}
 * in its default configuration (overridable with {@code -Dreliability.leak.*}) and prints, one per
 * line:
 *
 * <pre>
 * start &lt;workload&gt; &lt;old pool&gt; &lt;max heap&gt;
 * gc &lt;ms&gt; &lt;collector&gt; &lt;action&gt; &lt;old before&gt; &lt;old after&gt; &lt;old and survivors after&gt;
 * rss &lt;ms&gt; &lt;bytes&gt;
 * event &lt;ms&gt; &lt;type&gt; &lt;gauge&gt; &lt;state&gt; &lt;message&gt;
 * mark &lt;ms&gt;                         (leak or step start)
 * end &lt;ms&gt;
 * </pre>
 *
 * <p>Not run directly; the harness starts it with {@code -Xmx256m}.
 */
public final class WorkloadMain {

  private WorkloadMain() {}

  /**
   * Runs a workload.
   *
   * @param args workload name, duration in seconds, event (leak or step) start in seconds, leak
   *     rate in KB/s
   * @throws Exception if the workload fails
   */
  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    Workload.Kind kind = Workload.Kind.of(args[0]);
    long duration = Long.parseLong(args[1]) * 1000;
    long event = Long.parseLong(args[2]) * 1000;
    double leakRate = Double.parseDouble(args[3]) * 1024;
    PrintStream out = System.out;
    String oldPool = oldPoolName();
    out.println("start " + kind.id + " " + oldPool.replace(' ', '_') + " " + maxHeap(oldPool));
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (n, h) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                    n.getType())) {
                  return;
                }
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                Map<String, MemoryUsage> before = info.getGcInfo().getMemoryUsageBeforeGc();
                Map<String, MemoryUsage> after = info.getGcInfo().getMemoryUsageAfterGc();
                MemoryUsage b = before.get(oldPool);
                MemoryUsage a = after.get(oldPool);
                if (a == null || b == null) {
                  return;
                }
                long live = a.getUsed();
                for (Map.Entry<String, MemoryUsage> pool : after.entrySet()) {
                  if (pool.getKey().contains("Survivor")) {
                    live += pool.getValue().getUsed();
                  }
                }
                print(
                    out,
                    "gc "
                        + millis(start)
                        + " "
                        + info.getGcName().replace(' ', '_')
                        + " "
                        + info.getGcAction().replace(' ', '_')
                        + " "
                        + b.getUsed()
                        + " "
                        + a.getUsed()
                        + " "
                        + live);
              },
              null,
              null);
    }
    LeakGauge rssGauge = JvmGauges.residentSetSize().orElse(null);
    Thread rss =
        new Thread(
            () -> {
              while (true) {
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
                long bytes = rssGauge == null ? -1 : rssGauge.value().getAsLong();
                print(out, "rss " + millis(start) + " " + bytes);
              }
            },
            "rss-sampler");
    rss.setDaemon(true);
    rss.start();
    LeakListener listener =
        new LeakListener() {
          @Override
          public void onStateChange(LeakEvent e) {
            event(out, start, e);
          }

          @Override
          public void onThreshold(LeakEvent e) {
            event(out, start, e);
          }
        };
    try (LeakDetector detector =
        LeakDetector.builder()
            .name("harness")
            .config(LeakDetectorConfig.ofDefaults().withOverrides(ConfigSource.standard()))
            .listener(listener)
            .build()
            .start()) {
      new Workload(kind, duration, event, leakRate)
          .run(start, () -> print(out, "mark " + millis(start)));
      print(out, "report " + detector.report().toJson());
    }
    print(out, "end " + millis(start));
    out.flush();
    System.exit(0);
  }

  private static void event(PrintStream out, long start, LeakEvent e) {
    print(
        out,
        "event "
            + millis(start)
            + " "
            + e.type().jsonName()
            + " "
            + e.gauge()
            + " "
            + e.state().jsonName()
            + " "
            + e.message());
  }

  private static void print(PrintStream out, String line) {
    synchronized (out) {
      out.println(line);
    }
  }

  private static long millis(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  static String oldPoolName() {
    String single = null;
    int heapPools = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        heapPools++;
        single = p.getName();
        if (p.getName().contains("Old") || p.getName().contains("Tenured")) {
          return p.getName();
        }
      }
    }
    return heapPools == 1 ? single : "unknown";
  }

  static long maxHeap(String pool) {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getName().equals(pool) && p.getUsage().getMax() > 0) {
        return p.getUsage().getMax();
      }
    }
    return Runtime.getRuntime().maxMemory();
  }
}
