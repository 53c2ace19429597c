package dev.reliability.benchmarks.load;

import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pool of a changeable number of workers that run jobs strictly in arrival order: at most {@link
 * #workers()} jobs run at once, the rest wait in one FIFO queue. Lowering the count takes effect as
 * running jobs finish (none is interrupted); raising it starts queued jobs at once.
 *
 * <p>This is the knee of {@link KneeServer}: with a fixed service time per job, latency stays flat
 * up to {@code workers} concurrent requests and grows with the queue beyond.
 *
 * <p>Thread-safe; the queue and counts are guarded by one lock held only to pick the next job.
 */
final class WorkerPool implements AutoCloseable {

  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private final ExecutorService threads;
  private int workers;
  private int active;

  WorkerPool(String name, int workers) {
    checkWorkers(workers);
    this.workers = workers;
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, name + "-worker");
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs {@code job} on a free worker, or queues it behind every job that came before. */
  void submit(Runnable job) {
    lock.lock();
    try {
      if (active >= workers) {
        queue.addLast(job);
        return;
      }
      active++;
    } finally {
      lock.unlock();
    }
    threads.execute(() -> runFrom(job));
  }

  /** Changes the number of workers; queued jobs start at once if it grew. */
  void setWorkers(int count) {
    checkWorkers(count);
    ArrayDeque<Runnable> toStart = new ArrayDeque<>();
    lock.lock();
    try {
      workers = count;
      while (active < workers && !queue.isEmpty()) {
        toStart.addLast(queue.pollFirst());
        active++;
      }
    } finally {
      lock.unlock();
    }
    for (Runnable job : toStart) {
      threads.execute(() -> runFrom(job));
    }
  }

  /** The number of workers. */
  int workers() {
    lock.lock();
    try {
      return workers;
    } finally {
      lock.unlock();
    }
  }

  /** Jobs running now. */
  int active() {
    lock.lock();
    try {
      return active;
    } finally {
      lock.unlock();
    }
  }

  /** Jobs waiting for a worker. */
  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  private void runFrom(Runnable first) {
    Runnable job = first;
    while (job != null) {
      try {
        job.run();
      } catch (Throwable t) {
        // A failing job must not take its worker with it: report it and take the next one.
        System.err.println("knee server job failed: " + t);
      }
      lock.lock();
      try {
        // This worker keeps going only while the pool is not over its (possibly lowered) count.
        job = active <= workers ? queue.pollFirst() : null;
        if (job == null) {
          active--;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void checkWorkers(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("workers must be at least 1, was " + count);
    }
  }
}
