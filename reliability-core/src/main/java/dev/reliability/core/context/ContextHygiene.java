package dev.reliability.core.context;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks for users' tests that threads end their tasks clean: no bound {@link RequestContext} and
 * an empty MDC. A leftover value means some code bound a context or put an MDC key without
 * restoring it, and the next, unrelated task on that pooled thread would log under the wrong
 * request.
 *
 * <pre>{@code
 * ExecutorService raw = Executors.newFixedThreadPool(4);
 * ExecutorService pool = ContextPropagation.wrap(raw);
 * // ... run the code under test on pool ...
 * ContextHygiene.assertPoolClean(raw, 4, Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>Pass the <em>unwrapped</em> pool to {@link #assertPoolClean}: a wrapped pool clears the
 * context for the probe's duration and so would hide a leak. Stateless and thread-safe.
 */
public final class ContextHygiene {

  private ContextHygiene() {}

  /**
   * Describes what the calling thread still holds.
   *
   * @return one line per leftover, such as {@code "MDC request_id=req-42"}; empty if clean
   */
  public static List<String> leftoversOnCurrentThread() {
    List<String> found = new ArrayList<>();
    RequestContext bound = ContextStorage.current();
    if (bound != null) {
      found.add("bound " + bound);
    }
    for (Map.Entry<String, String> e : ContextStorage.mdcCopy().entrySet()) {
      found.add("MDC " + e.getKey() + "=" + e.getValue());
    }
    return found;
  }

  /**
   * Asserts that the calling thread holds no request context and an empty MDC.
   *
   * @throws AssertionError naming the thread and every leftover
   */
  public static void assertCurrentThreadClean() {
    List<String> left = leftoversOnCurrentThread();
    if (!left.isEmpty()) {
      throw new AssertionError(
          "thread " + Thread.currentThread().getName() + " is not clean: " + left);
    }
  }

  /**
   * Runs a probe on {@code threads} distinct threads of a pool and asserts that each found no
   * request context and an empty MDC. The probes wait for each other, so they occupy {@code
   * threads} threads at once: pass the pool's size to check every thread of a fixed pool.
   *
   * @param pool the pool to check, not wrapped by {@link ContextPropagation}
   * @param threads how many distinct threads to probe, at least 1 and at most the pool's size
   * @param timeout how long to wait for all probes to start and finish
   * @throws AssertionError listing every thread that was not clean, or if the probes could not all
   *     run at once within the timeout
   * @throws InterruptedException if interrupted while waiting
   */
  public static void assertPoolClean(ExecutorService pool, int threads, Duration timeout)
      throws InterruptedException {
    Checks.notNull("pool", pool);
    Checks.positive("threads", threads);
    Checks.positive("timeout", timeout);
    CountDownLatch started = new CountDownLatch(threads);
    CountDownLatch release = new CountDownLatch(1);
    List<Future<String>> probes = new ArrayList<>(threads);
    for (int i = 0; i < threads; i++) {
      probes.add(
          pool.submit(
              () -> {
                List<String> left = leftoversOnCurrentThread();
                started.countDown();
                // Hold the thread until released, and longer than the caller waits for the
                // probes to start, so a probe that is still queued cannot sneak in afterwards.
                release.await(2 * timeout.toMillis(), TimeUnit.MILLISECONDS);
                return left.isEmpty() ? null : Thread.currentThread().getName() + ": " + left;
              }));
    }
    boolean allStarted = started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    long ranAtOnce = threads - started.getCount();
    release.countDown();
    List<String> dirty = new ArrayList<>();
    for (Future<String> f : probes) {
      try {
        String result = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (result != null) {
          dirty.add(result);
        }
      } catch (ExecutionException | TimeoutException e) {
        dirty.add("probe failed: " + e);
      }
    }
    if (!allStarted) {
      throw new AssertionError(
          "only "
              + ranAtOnce
              + " of "
              + threads
              + " probes ran at once within "
              + DurationText.format(timeout)
              + "; is the pool smaller than "
              + threads
              + " threads or busy?"
              + (dirty.isEmpty() ? "" : " Not clean: " + dirty));
    }
    if (!dirty.isEmpty()) {
      throw new AssertionError("pooled threads are not clean: " + dirty);
    }
  }
}
