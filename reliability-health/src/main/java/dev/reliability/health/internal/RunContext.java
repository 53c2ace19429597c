package dev.reliability.health.internal;

import dev.reliability.core.redaction.Redactor;
import dev.reliability.core.time.TimeSource;
import dev.reliability.health.HealthCheckResult;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the runs of a registry's checks share, and nothing else: the time source, the executor and
 * the concurrency permits that run them, the listeners that hear them, the redactor that sanitises
 * their results, and the lock that orders status announcements. A {@link CheckRunner} and its
 * {@link Execution}s read these instead of reaching into the registry.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class RunContext {

  final String registryName;
  final TimeSource time;
  final GuardedListeners listeners;
  final ExecutorService executor;
  // Fair: runs waiting for a permit get it in the order they asked.
  final Semaphore permits;
  // Held while a result is damped, stored and announced, and while groups are announced, so that
  // listeners hear the changes of a check and of its groups in the order they happened.
  final ReentrantLock eventLock = new ReentrantLock();
  private final Redactor redactor;

  /**
   * Creates the context of one registry.
   *
   * @param registryName the registry's name, for messages
   * @param time the time source of every time decision
   * @param listeners the listeners that hear every run and status change
   * @param redactor sanitises every result before anyone sees it; {@link Redactor#none()} for none
   * @param maxConcurrency how many checks may run at once
   * @param executor runs the checks; the registry shuts it down
   */
  public RunContext(
      String registryName,
      TimeSource time,
      GuardedListeners listeners,
      Redactor redactor,
      int maxConcurrency,
      ExecutorService executor) {
    this.registryName = registryName;
    this.time = time;
    this.listeners = listeners;
    this.redactor = redactor;
    this.permits = new Semaphore(maxConcurrency, true);
    this.executor = executor;
  }

  /** Returns the result with its message and details passed through the redactor. */
  HealthCheckResult sanitise(HealthCheckResult raw) {
    if (redactor == Redactor.none()) {
      return raw;
    }
    HealthCheckResult.Builder b =
        HealthCheckResult.builder(raw.status())
            .message(redactor.redact(raw.message()))
            .details(redactor.redactMap(raw.details()))
            .duration(raw.duration());
    raw.checkedAt().ifPresent(b::checkedAt);
    raw.measurement().ifPresent(m -> b.measurement(m.name(), m.value(), m.unit()));
    return b.build();
  }
}
