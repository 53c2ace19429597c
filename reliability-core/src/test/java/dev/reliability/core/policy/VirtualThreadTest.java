package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.error.ServiceUnavailableException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * Guarded calls on virtual threads: the policy blocks (bulkhead wait, time-limit wait, retry
 * backoff, the call itself) without pinning the carrier thread. Pinning is detected with JFR's
 * {@code jdk.VirtualThreadPinned} event at threshold zero.
 *
 * <p>The project compiles for Java 17, so virtual threads are reached reflectively. On Java 17 to
 * 20 there are no virtual threads: the tests check the documented fallback instead, a pool of
 * daemon platform threads for time-limited attempts.
 */
class VirtualThreadTest {

  private static final int CALLS = 400;
  private static final Method IS_VIRTUAL = isVirtualMethod();

  private static Method isVirtualMethod() {
    try {
      return Thread.class.getMethod("isVirtual");
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static boolean virtualThreadsAvailable() {
    return IS_VIRTUAL != null;
  }

  private static boolean isVirtual(Thread thread) {
    try {
      return IS_VIRTUAL != null && (Boolean) IS_VIRTUAL.invoke(thread);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static ExecutorService newVirtualThreadPerTaskExecutor() {
    try {
      return (ExecutorService)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("virtual threads are available, yet the executor is not", e);
    }
  }

  private static Policy policy(String name) {
    return Policy.builder(name)
        .retry(
            RetryConfig.builder()
                .maxRetries(2)
                .backoff(Backoff.fixed(Duration.ofMillis(1)))
                .jitter(Jitter.NONE)
                .build())
        .circuitBreaker(
            // every call fails once: a window larger than the test counts without opening
            CircuitBreakerConfig.builder()
                .failureThreshold(0)
                .slidingWindowSize(10_000)
                .minimumCalls(10_000)
                .build())
        .bulkhead(
            BulkheadConfig.builder().maxConcurrentCalls(8).maxWait(Duration.ofSeconds(30)).build())
        .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(30)))
        .build();
  }

  @Test
  void timeLimitedAttemptsRunOnVirtualThreadsOnJava21AndOnDaemonPlatformThreadsBefore() {
    try (Policy policy = policy("inventory")) {
      Thread attempt = policy.execute(Thread::currentThread);

      assertThat(attempt).isNotSameAs(Thread.currentThread());
      assertThat(attempt.getName()).startsWith("reliability-policy-inventory-");
      if (virtualThreadsAvailable()) {
        assertThat(isVirtual(attempt)).isTrue();
      } else {
        assertThat(attempt.isDaemon()).isTrue();
      }
    }
  }

  @Test
  void guardedCallsThatBlockOnVirtualThreadsAreNotPinned() throws Exception {
    if (!virtualThreadsAvailable()) {
      // Java 17 to 20: no virtual threads, nothing to pin; the fallback above runs the attempts.
      assertThat(Runtime.version().feature()).isLessThan(21);
      return;
    }
    List<RecordedEvent> pinned;
    Map<String, Boolean> callerThreads = new ConcurrentHashMap<>();
    Map<Integer, Integer> attemptsByCall = new ConcurrentHashMap<>();
    try (Policy policy = policy("inventory")) {
      // Loading and initializing a class blocks a virtual thread on its carrier once per class
      // and JVM; a first round loads every class the calls use, so the recording sees steady state.
      runBlockingCalls(policy, 16, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
      pinned =
          pinnedEventsDuring(() -> runBlockingCalls(policy, CALLS, callerThreads, attemptsByCall));
      assertThat(policy.retry().orElseThrow().successfulAfterRetry()).isEqualTo(16 + CALLS);
      assertThat(policy.bulkhead().orElseThrow().rejectedCalls()).isZero();
      assertThat(policy.circuitBreaker().orElseThrow().failedCalls()).isEqualTo(16 + CALLS);
    }

    assertThat(callerThreads).hasSize(CALLS).doesNotContainValue(false);
    assertThat(attemptsByCall).hasSize(CALLS);
    assertThat(attemptsByCall.values()).containsOnly(2);
    assertThat(pinned).isEmpty();
  }

  /**
   * Runs {@code calls} guarded calls, each on its own virtual thread; each call's first attempt
   * fails and its retry succeeds, and every attempt blocks with no monitor held.
   */
  private static void runBlockingCalls(
      Policy policy,
      int calls,
      Map<String, Boolean> callerThreads,
      Map<Integer, Integer> attemptsByCall)
      throws Exception {
    ReentrantLock contended = new ReentrantLock();
    ExecutorService callers = newVirtualThreadPerTaskExecutor();
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        int call = i;
        results.add(
            callers.submit(
                () -> {
                  callerThreads.put(
                      Thread.currentThread().toString(), isVirtual(Thread.currentThread()));
                  return policy.execute(
                      () -> {
                        contended.lock(); // a contended lock and a park: blocking, no monitor
                        try {
                          LockSupport.parkNanos(100_000);
                        } finally {
                          contended.unlock();
                        }
                        if (attemptsByCall.merge(call, 1, Integer::sum) == 1) {
                          throw new ServiceUnavailableException("inventory", "busy");
                        }
                        return "ok";
                      });
                }));
      }
      for (Future<String> r : results) {
        assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo("ok");
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void theDetectorSeesAVirtualThreadThatBlocksWhilePinned() throws Exception {
    if (!virtualThreadsAvailable()) {
      assertThat(Runtime.version().feature()).isLessThan(21);
      return;
    }
    // A virtual thread that blocks inside a class initializer stays on its carrier on every
    // version (JEP 491 unpinned synchronized on Java 24, not class initialization).
    List<RecordedEvent> pinned =
        pinnedEventsDuring(
            () -> {
              ExecutorService threads = newVirtualThreadPerTaskExecutor();
              try {
                threads.submit(() -> BlocksWhileInitializing.READY).get(60, TimeUnit.SECONDS);
              } finally {
                threads.shutdownNow();
              }
            });

    assertThat(pinned).isNotEmpty();
    assertThat(pinned.get(0).getStackTrace().getFrames())
        .anySatisfy(
            f ->
                assertThat(f.getMethod().getType().getName())
                    .isEqualTo(BlocksWhileInitializing.class.getName()));
  }

  /** Blocks briefly while its class is being initialized. */
  static final class BlocksWhileInitializing {
    static final boolean READY;

    static {
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      READY = true;
    }

    private BlocksWhileInitializing() {}
  }

  /** Work that may throw. */
  interface Work {
    void run() throws Exception;
  }

  /** Runs the work under a JFR recording of pinned virtual threads and returns their events. */
  private static List<RecordedEvent> pinnedEventsDuring(Work work) throws Exception {
    Path file = Files.createTempFile("pinned", ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
      recording.start();
      work.run();
      recording.stop();
      recording.dump(file);
      List<RecordedEvent> pinned = new ArrayList<>();
      for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
        if (e.getEventType().getName().equals("jdk.VirtualThreadPinned")) {
          pinned.add(e);
        }
      }
      return pinned;
    } finally {
      deleteQuietly(file);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a temporary file
    }
  }
}
