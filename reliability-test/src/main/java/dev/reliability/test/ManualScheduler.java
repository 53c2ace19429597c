package dev.reliability.test;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.PolicyScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link PolicyScheduler} whose time only moves when told to, published for tests of code that
 * uses policies.
 *
 * <ul>
 *   <li>{@link #advance(Duration)} moves the {@link ManualTimeSource} forward and runs, on the
 *       calling thread and in time order, every scheduled task that falls due; each task sees the
 *       clock at its own due time.
 *   <li>{@link #sleepNanos(long)} does not block: it records the sleep (see {@link #sleeps()}) and
 *       advances the clock by its length, so a synchronous retry's backoff passes at once and can
 *       be asserted exactly.
 * </ul>
 *
 * <pre>{@code
 * ManualScheduler scheduler = ManualScheduler.create();
 * Policy policy = Policy.builder("payments")
 *     .circuitBreaker(CircuitBreakerConfig.ofDefaults())
 *     .scheduler(scheduler)
 *     .build();
 * // ... five failures open the breaker ...
 * scheduler.advance(Duration.ofSeconds(61)); // the next call is a trial call
 * }</pre>
 *
 * <p>Thread-safe. A task that throws does not stop the others; the first such exception is rethrown
 * by the {@code advance} or {@code runDueTasks} call that ran it, after every due task has run.
 */
public final class ManualScheduler implements PolicyScheduler {

  private final ManualTimeSource time;
  private final ReentrantLock lock = new ReentrantLock();
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private final AtomicLong sequence = new AtomicLong();
  private final ConcurrentLinkedQueue<Duration> sleeps = new ConcurrentLinkedQueue<>();

  private ManualScheduler(ManualTimeSource time) {
    this.time = time;
  }

  /**
   * Creates a scheduler with its own {@link ManualTimeSource#create() manual time source}.
   *
   * @return a new scheduler
   */
  public static ManualScheduler create() {
    return new ManualScheduler(ManualTimeSource.create());
  }

  /**
   * Creates a scheduler on a given manual time source, to share the clock with other components.
   *
   * @param time the time source
   * @return a new scheduler
   */
  public static ManualScheduler create(ManualTimeSource time) {
    return new ManualScheduler(Checks.notNull("time", time));
  }

  @Override
  public ManualTimeSource timeSource() {
    return time;
  }

  @Override
  public Future<?> schedule(Runnable task, long delayNanos) {
    Checks.notNull("task", task);
    Task t = new Task(task, time.nanoTime() + Math.max(0, delayNanos), sequence.incrementAndGet());
    lock.lock();
    try {
      queue.add(t);
    } finally {
      lock.unlock();
    }
    return t;
  }

  /**
   * Records the sleep and advances the clock by its length, running the tasks that fall due.
   *
   * @param nanos how long; zero or less records nothing
   * @throws InterruptedException if the thread is interrupted
   */
  @Override
  public void sleepNanos(long nanos) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (nanos <= 0) {
      return;
    }
    sleeps.add(Duration.ofNanos(nanos));
    advance(Duration.ofNanos(nanos));
  }

  /**
   * Moves the clock forward by {@code amount}, running every task that falls due on the way.
   *
   * @param amount how far; zero only runs the tasks already due
   * @return this scheduler
   * @throws IllegalArgumentException if {@code amount} is negative
   */
  public ManualScheduler advance(Duration amount) {
    Checks.notNegative("amount", amount);
    long target = time.nanoTime() + amount.toNanos();
    RuntimeException firstFailure = null;
    while (true) {
      Task next;
      lock.lock();
      try {
        next = queue.peek();
        if (next == null || next.due > target) {
          break;
        }
        queue.poll();
      } finally {
        lock.unlock();
      }
      long behind = next.due - time.nanoTime();
      if (behind > 0) {
        time.advance(Duration.ofNanos(behind));
      }
      RuntimeException failure = next.runOnce();
      if (firstFailure == null) {
        firstFailure = failure;
      }
    }
    long rest = target - time.nanoTime();
    if (rest > 0) {
      time.advance(Duration.ofNanos(rest));
    }
    if (firstFailure != null) {
      throw firstFailure;
    }
    return this;
  }

  /**
   * Runs the tasks that are due now, such as those scheduled with no delay.
   *
   * @return this scheduler
   */
  public ManualScheduler runDueTasks() {
    return advance(Duration.ZERO);
  }

  /**
   * Returns the number of tasks scheduled and not yet run or cancelled.
   *
   * @return the number of pending tasks
   */
  public int pendingTasks() {
    lock.lock();
    try {
      int n = 0;
      for (Task t : queue) {
        if (!t.isCancelled()) {
          n++;
        }
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the sleeps requested so far, in order, such as the backoff waits of synchronous
   * retries.
   *
   * @return a copy of the sleeps
   */
  public List<Duration> sleeps() {
    return new ArrayList<>(sleeps);
  }

  @Override
  public String toString() {
    return "ManualScheduler[" + time + ", pending=" + pendingTasks() + "]";
  }

  private static final class Task implements Future<Object>, Comparable<Task> {
    private static final int NEW = 0;
    private static final int DONE = 1;
    private static final int CANCELLED = 2;

    private final Runnable runnable;
    private final long due;
    private final long seq;
    private final AtomicInteger state = new AtomicInteger(NEW);

    Task(Runnable runnable, long due, long seq) {
      this.runnable = runnable;
      this.due = due;
      this.seq = seq;
    }

    RuntimeException runOnce() {
      if (!state.compareAndSet(NEW, DONE)) {
        return null;
      }
      try {
        runnable.run();
        return null;
      } catch (RuntimeException e) {
        return e;
      } catch (Error e) {
        return new IllegalStateException("scheduled task failed", e);
      }
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return state.compareAndSet(NEW, CANCELLED);
    }

    @Override
    public boolean isCancelled() {
      return state.get() == CANCELLED;
    }

    @Override
    public boolean isDone() {
      return state.get() != NEW;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
