package dev.reliability.core.policy;

/**
 * A policy's time limit statistics, read by metrics. Obtained from {@link Policy#timeLimiter()}.
 *
 * <p>Thread-safe; reading never allocates.
 */
public interface TimeLimiter {

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  TimeLimiterConfig config();

  /**
   * Returns the attempts that returned in time.
   *
   * @return the count
   */
  long successfulCalls();

  /**
   * Returns the attempts that failed in time.
   *
   * @return the count
   */
  long failedCalls();

  /**
   * Returns the attempts that ran out of time.
   *
   * @return the count
   */
  long timedOutCalls();

  /**
   * Returns the timed-out synchronous attempts that did not stop on the interrupt: they finished
   * later with a result or with an exception other than an interruption. Such code keeps its thread
   * (and its bulkhead permit) busy after the caller gave up.
   *
   * @return the count
   */
  long ignoredInterrupts();

  /**
   * Returns the timed-out attempts still running now.
   *
   * @return the number of abandoned attempts in flight
   */
  int runningAfterTimeout();

  /**
   * Returns the synchronous attempts in flight now: waiting for a thread, running, or running on
   * after their time limit. At most {@link TimeLimiterConfig#maxConcurrentAttempts()}.
   *
   * @return the number of attempts holding a slot
   */
  int attemptsInFlight();

  /**
   * Returns the calls refused because {@link TimeLimiterConfig#maxConcurrentAttempts()} attempts
   * were in flight. They are also counted as rejected calls of the policy (reason {@link
   * RejectionReason#BULKHEAD_FULL}).
   *
   * @return the count
   */
  long rejectedCalls();
}
