package dev.reliability.core.policy.internal;

import dev.reliability.core.error.ServiceTimeoutException;
import java.time.Duration;

/**
 * The time-out a policy's own time limit raises, told apart from time-outs of nested policies by
 * its owner. Carries no stack trace: it is raised on the timer thread, whose stack says nothing.
 *
 * <p>Internal: may change at any time.
 */
final class OwnTimeoutException extends ServiceTimeoutException {

  private static final long serialVersionUID = 1L;

  private final transient Object owner;

  OwnTimeoutException(String policy, Duration timeout, Object owner) {
    super(policy, timeout);
    this.owner = owner;
  }

  boolean isFrom(Object engine) {
    return owner == engine;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
