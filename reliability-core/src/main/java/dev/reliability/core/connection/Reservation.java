package dev.reliability.core.connection;

import java.time.Duration;

/**
 * A slot held between the handshake and the open callback: the first half of reserve-then-commit
 * admission.
 *
 * <p>A server reserves when the upgrade request arrives ({@link ConnectionRegistry#tryReserve}),
 * answers HTTP 503 with {@code Retry-After} if the reservation was refused, upgrades otherwise, and
 * then either {@linkplain #commit commits} the connection from its open callback or {@linkplain
 * #release releases} the slot if the upgrade failed. A reservation neither committed nor released
 * within the registry's reservation timeout (default 5s) is released by the sweeper, so a lost
 * upgrade never leaks a slot.
 *
 * <pre>{@code
 * Reservation<Session> reservation = registry.tryReserve(userId);
 * if (!reservation.isGranted()) {
 *   // answer 503, Retry-After: reservation.retryAfter()
 * } else {
 *   // upgrade; in the open callback:
 *   RegisteredConnection<Session> connection = reservation.commit(session);
 * }
 * }</pre>
 *
 * <p>Thread-safe: commit and release may race; exactly one of them takes effect.
 *
 * @param <C> the connection type
 */
public interface Reservation<C> {

  /**
   * Returns whether a slot was granted.
   *
   * @return true if this reservation holds a slot (or held one that was committed or released)
   */
  boolean isGranted();

  /**
   * Returns why the reservation was refused.
   *
   * @return the reason, or null if granted
   */
  RejectReason rejectReason();

  /**
   * Returns how long a refused client should wait before retrying, for the {@code Retry-After}
   * header: the registry's configured hint.
   *
   * @return the hint
   */
  Duration retryAfter();

  /**
   * Returns the key the slot was reserved under.
   *
   * @return the key, or null for none
   */
  String key();

  /**
   * Registers the connection in the reserved slot. If the registry started shutting down since the
   * reservation, the connection is closed with the shutdown status instead and the returned
   * connection is already {@linkplain RegisteredConnection#isOpen() closed}.
   *
   * @param connection the opened connection
   * @return the registered connection
   * @throws NullPointerException if {@code connection} is null
   * @throws IllegalStateException if the reservation was refused, already committed, released, or
   *     expired, or if the connection is already registered
   */
  RegisteredConnection<C> commit(C connection);

  /**
   * Gives the slot back, for an upgrade that failed. Idempotent; does nothing after {@link #commit}
   * or on a refused reservation.
   *
   * @return true if this call released the slot
   */
  boolean release();
}
