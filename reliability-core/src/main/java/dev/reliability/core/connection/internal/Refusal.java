package dev.reliability.core.connection.internal;

import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.RejectReason;
import dev.reliability.core.connection.Reservation;
import java.time.Duration;

/**
 * A refused reservation; one shared instance per reason and registry, so refusing allocates
 * nothing.
 *
 * <p>Internal: may change at any time.
 */
final class Refusal<C> implements Reservation<C> {

  private final RejectReason reason;
  private final Duration retryAfter;

  Refusal(RejectReason reason, Duration retryAfter) {
    this.reason = reason;
    this.retryAfter = retryAfter;
  }

  @Override
  public boolean isGranted() {
    return false;
  }

  @Override
  public RejectReason rejectReason() {
    return reason;
  }

  @Override
  public Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public String key() {
    return null;
  }

  @Override
  public RegisteredConnection<C> commit(C connection) {
    throw new IllegalStateException("reservation was refused (" + reason + "), cannot commit");
  }

  @Override
  public boolean release() {
    return false;
  }

  @Override
  public String toString() {
    return "Reservation[refused: " + reason + "]";
  }
}
