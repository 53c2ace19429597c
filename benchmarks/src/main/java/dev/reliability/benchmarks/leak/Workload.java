package dev.reliability.benchmarks.leak;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The allocation patterns the leak harness runs: a request loop that every workload shares (about
 * 1000 requests a second, 25 KB each, in flight for about 50 ms), plus what makes each workload
 * different. Paced by the wall clock; uses at most about one core.
 */
final class Workload {

  /** Objects retained forever by the leaking workload. */
  static final List<Object> LEAKED = new ArrayList<>();

  private static final int REQUEST_BYTES = 24 * 1024;
  private static final int CACHE_ENTRIES = 40_000;
  private static final int REPLACE_ENTRIES = 50_000;
  private static final long REPLACE_WARM_MILLIS = 180_000;
  private static final int SESSIONS = 48 * 1024;
  private static final long SESSION_GROWTH_MILLIS = 120_000;
  private static final long LEAK_ON_SUSPICION_DELAY_MILLIS = 90_000;

  /** The workloads, by name. */
  enum Kind {
    /** Requests only: garbage that dies young. */
    STEADY_CHURN("steady-churn", false),
    /** A 60 MB cache of 40,000 entries whose hit ratio converges within about two minutes. */
    CACHE_WARMING("cache-warming", false),
    /** The same cache warming three times slower, for about six minutes: past the warm-up. */
    CACHE_WARMING_SLOW("cache-warming-slow", false),
    /** At the event time, twice the requests and 24 MB more working set, then flat. */
    STEP_LOAD("step-load", false),
    /** Every 20 to 40 s, 5 s of ten times the request rate. */
    BURSTY("bursty", false),
    /** Every 20 to 40 s, a 40 MB batch held for 1 to 3 s, so young collections promote it. */
    BURSTY_RETAINED("bursty-retained", false),
    /**
     * A bounded cache of 50,000 entries (about 72 MB) that fills evenly over three minutes and then
     * only replaces entries, 100 a second: every replaced value is garbage that young collections
     * promote, so the old generation keeps rising until G1's first concurrent cycle, while the live
     * set stays flat.
     */
    CACHE_REPLACE("cache-replace", false),
    /**
     * At the event time, a session map that grows evenly for two minutes (48,000 sessions of 1 KB)
     * and then only replaces sessions, 100 a second.
     */
    STEP_REPLACE("step-replace", false),
    /** From the event time on, a leak of the given rate into a static list. */
    LEAK("leak", true),
    /**
     * The cache of {@code cache-replace}, whose warming raises a suspicion that stands, and 90 s
     * after the event time a leak of the given rate on top of it.
     */
    LEAK_ON_SUSPICION("leak-on-suspicion", true);

    final String id;
    final boolean leaks;

    Kind(String id, boolean leaks) {
      this.id = id;
      this.leaks = leaks;
    }

    static Kind of(String id) {
      for (Kind k : values()) {
        if (k.id.equals(id)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown workload " + id);
    }
  }

  private final Kind kind;
  private final long durationMillis;
  private final long eventMillis;
  private final double leakBytesPerSecond;
  private final Random random = new Random(7);
  private final ArrayDeque<Object> inFlight = new ArrayDeque<>();
  private final Map<Integer, byte[]> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, byte[]> eldest) {
          return size() > CACHE_ENTRIES;
        }
      };
  private final List<Object> stepped = new ArrayList<>();
  private final List<Object> batch = new ArrayList<>();
  private final Map<Integer, byte[]> bounded = new HashMap<>();
  private long blackhole;

  Workload(Kind kind, long durationMillis, long eventMillis, double leakBytesPerSecond) {
    this.kind = kind;
    this.durationMillis = durationMillis;
    this.eventMillis = eventMillis;
    this.leakBytesPerSecond = leakBytesPerSecond;
  }

  /** Runs until the duration has passed; {@code start} is the JVM's start in nanoTime. */
  void run(long start, Runnable onEvent) throws InterruptedException {
    long tick = 10;
    long nextTick = System.nanoTime();
    double leakDebt = 0;
    boolean eventSeen = false;
    long nextBurst = 20_000 + random.nextInt(20_000);
    long burstEnd = -1;
    while (true) {
      long elapsed = (System.nanoTime() - start) / 1_000_000;
      if (elapsed >= durationMillis) {
        break;
      }
      long eventAt =
          kind == Kind.LEAK_ON_SUSPICION
              ? eventMillis + LEAK_ON_SUSPICION_DELAY_MILLIS
              : eventMillis;
      if (!eventSeen
          && elapsed >= eventAt
          && (kind.leaks || kind == Kind.STEP_LOAD || kind == Kind.STEP_REPLACE)) {
        eventSeen = true;
        onEvent.run();
      }
      int requests = 10;
      if (kind == Kind.STEP_LOAD && eventSeen) {
        requests = 20;
      }
      if (kind == Kind.BURSTY && burstEnd >= 0) {
        requests = 100;
      }
      for (int i = 0; i < requests; i++) {
        request();
      }
      switch (kind) {
        case CACHE_WARMING:
          lookups(12);
          break;
        case CACHE_WARMING_SLOW:
          lookups(4);
          break;
        case STEP_LOAD:
          if (eventSeen && stepped.size() < 24 * 1024) {
            for (int i = 0; i < 100; i++) {
              stepped.add(new byte[1024]);
            }
          }
          break;
        case BURSTY:
        case BURSTY_RETAINED:
          if (elapsed >= nextBurst && burstEnd < 0) {
            if (kind == Kind.BURSTY_RETAINED) {
              for (int i = 0; i < 40 * 1024; i++) {
                batch.add(new byte[1000]);
              }
              burstEnd = elapsed + 1000 + random.nextInt(2000);
            } else {
              burstEnd = elapsed + 5000;
            }
          }
          if (burstEnd >= 0 && elapsed >= burstEnd) {
            batch.clear();
            burstEnd = -1;
            nextBurst = elapsed + 20_000 + random.nextInt(20_000);
          }
          break;
        case CACHE_REPLACE:
          fillThenReplace(elapsed, 0, REPLACE_WARM_MILLIS, REPLACE_ENTRIES, 1200, 400);
          break;
        case STEP_REPLACE:
          if (eventSeen) {
            fillThenReplace(elapsed, eventMillis, SESSION_GROWTH_MILLIS, SESSIONS, 1000, 1);
          }
          break;
        case LEAK_ON_SUSPICION:
          fillThenReplace(elapsed, 0, REPLACE_WARM_MILLIS, REPLACE_ENTRIES, 1200, 400);
          if (eventSeen) {
            leakDebt += leakBytesPerSecond * tick / 1000.0;
            while (leakDebt >= 1024) {
              LEAKED.add(new Leaked(elapsed, new byte[1024 - 48]));
              leakDebt -= 1024;
            }
          }
          break;
        case LEAK:
          if (eventSeen) {
            leakDebt += leakBytesPerSecond * tick / 1000.0;
            while (leakDebt >= 1024) {
              LEAKED.add(new Leaked(elapsed, new byte[1024 - 48]));
              leakDebt -= 1024;
            }
          }
          break;
        default:
          break;
      }
      nextTick += tick * 1_000_000;
      long sleep = (nextTick - System.nanoTime()) / 1_000_000;
      if (sleep > 0) {
        Thread.sleep(sleep);
      } else if (sleep < -1000) {
        nextTick = System.nanoTime();
      }
    }
    if (blackhole == 42) {
      System.out.println("blackhole");
    }
  }

  /**
   * Fills {@link #bounded} evenly to {@code entries} over {@code fillMillis} from {@code from},
   * then replaces one random entry per tick (100 a second).
   */
  private void fillThenReplace(
      long elapsed, long from, long fillMillis, int entries, int minBytes, int spread) {
    long target = Math.min(entries, (elapsed - from) * entries / fillMillis);
    if (bounded.size() < target) {
      while (bounded.size() < target) {
        bounded.put(bounded.size(), new byte[minBytes + random.nextInt(spread)]);
      }
    } else if (bounded.size() >= entries) {
      bounded.put(random.nextInt(entries), new byte[minBytes + random.nextInt(spread)]);
    }
  }

  private void lookups(int count) {
    for (int i = 0; i < count; i++) {
      int key = random.nextInt(CACHE_ENTRIES);
      byte[] v = cache.get(key);
      if (v == null) {
        cache.put(key, new byte[1200 + random.nextInt(400)]);
      } else {
        blackhole += v.length;
      }
    }
  }

  /** One request: a parsed body, a few strings and a map, kept in flight for about 50 ms. */
  private void request() {
    Map<String, Object> req = new HashMap<>();
    req.put("body", new byte[REQUEST_BYTES]);
    for (int i = 0; i < 8; i++) {
      req.put("h" + i, String.format(Locale.ROOT, "value-%d-%d", i, random.nextInt()));
    }
    inFlight.addLast(req);
    while (inFlight.size() > 50) {
      Object done = inFlight.removeFirst();
      blackhole += done.hashCode();
    }
  }

  /** A leaked entry: what a forgotten listener or an unbounded map keeps. */
  static final class Leaked {
    final long at;
    final byte[] payload;

    Leaked(long at, byte[] payload) {
      this.at = at;
      this.payload = payload;
    }
  }
}
