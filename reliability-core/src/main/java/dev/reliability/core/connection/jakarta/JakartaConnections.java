package dev.reliability.core.connection.jakarta;

import dev.reliability.core.connection.CloseStatus;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionTransport;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.RejectReason;
import dev.reliability.core.connection.Reservation;
import dev.reliability.core.internal.Checks;
import jakarta.websocket.CloseReason;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Optional;

/**
 * Connects Jakarta WebSocket ({@code jakarta.websocket.Session}, any container: Jetty, Tomcat,
 * Undertow, Tyrus) to a {@link ConnectionRegistry}: a transport and one-call registration from the
 * endpoint's open callback.
 *
 * <p>Needs {@code jakarta.websocket:jakarta.websocket-api} (optional dependency of
 * reliability-core). The container does the protocol; this class only the bookkeeping.
 *
 * <pre>{@code
 * public void onOpen(Session session, EndpointConfig config) {
 *   String user = session.getRequestParameterMap().get("user").get(0);
 *   JakartaConnections.register(registry, session, user)
 *       .ifPresent(connection -> session.addMessageHandler(String.class, text -> {
 *         connection.recordActivity();
 *         connection.send("echo:" + text);
 *       }));
 * }
 *
 * public void onClose(Session session, CloseReason reason) {
 *   JakartaConnections.unregister(registry, session);
 * }
 *
 * public void onError(Session session, Throwable failure) {
 *   JakartaConnections.unregister(registry, session);
 * }
 * }</pre>
 *
 * <p>(From {@code docs/websocket-registry.md}, compiled in the tests' {@code
 * RegisteredEchoEndpoint}.)
 *
 * <p><b>Handshake.</b> The Jakarta API gives a {@code ServerEndpointConfig.Configurator} no way to
 * answer the upgrade request with 503, so refusal happens at open: the session is closed with the
 * over-capacity status (1013 by default). The slot is taken only at open, so a handshake that
 * fails, or a client that resets the connection during it, holds none. Servers that must refuse
 * before upgrading use the Jetty adapter's {@code JettyConnections.admit}: the Jakarta API tells a
 * configurator or a filter nothing when an upgrade fails, so a reservation taken there would be
 * held until the registry's reservation timeout.
 *
 * <p>Stateless and thread-safe.
 */
public final class JakartaConnections {

  /** The session user property under which the registered connection is kept. */
  public static final String USER_PROPERTY = RegisteredConnection.class.getName();

  private JakartaConnections() {}

  /**
   * Returns the transport for Jakarta sessions: {@code getAsyncRemote()} sends and pings, {@code
   * close(CloseReason)}.
   *
   * @return the shared transport
   */
  public static ConnectionTransport<Session> transport() {
    return JakartaTransport.INSTANCE;
  }

  /**
   * Registers a session from its open callback. When granted, keeps the connection in the session's
   * user properties under {@link #USER_PROPERTY} and adds a pong handler that feeds the heartbeat
   * (unless the endpoint already has one: then it calls {@link #pong} itself). When refused, closes
   * the session with the over-capacity status (the shutdown status while shutting down).
   *
   * @param registry the registry
   * @param session the opened session
   * @param key the key to count it under, or null
   * @return the registered connection, or empty if refused
   */
  public static Optional<RegisteredConnection<Session>> register(
      ConnectionRegistry<Session> registry, Session session, String key) {
    Checks.notNull("registry", registry);
    Checks.notNull("session", session);
    Reservation<Session> reservation = registry.tryReserve(key);
    if (!reservation.isGranted()) {
      CloseStatus status =
          reservation.rejectReason() == RejectReason.SHUTTING_DOWN
              ? registry.config().shutdownStatus()
              : registry.config().overCapacityStatus();
      closeQuietly(session, status);
      return Optional.empty();
    }
    RegisteredConnection<Session> connection = reservation.commit(session);
    if (!connection.isOpen()) {
      return Optional.empty();
    }
    session.getUserProperties().put(USER_PROPERTY, connection);
    try {
      session.addMessageHandler(
          PongMessage.class, pong -> connection.pongReceived(pong.getApplicationData()));
    } catch (IllegalStateException endpointHasOne) {
      // One handler per message type: the endpoint's own pong handler calls pong(session, pong).
    }
    return Optional.of(connection);
  }

  private static void closeQuietly(Session session, CloseStatus status) {
    try {
      session.close(
          new CloseReason(CloseReason.CloseCodes.getCloseCode(status.code()), status.reason()));
    } catch (IOException | RuntimeException e) {
      // the session is going away either way
    }
  }

  /**
   * Returns the connection registered for a session by {@link #register}.
   *
   * @param session the session
   * @return the connection, or empty if the session was refused or never registered
   */
  @SuppressWarnings("unchecked")
  public static Optional<RegisteredConnection<Session>> connection(Session session) {
    Checks.notNull("session", session);
    Object c = session.getUserProperties().get(USER_PROPERTY);
    return c instanceof RegisteredConnection<?>
        ? Optional.of((RegisteredConnection<Session>) c)
        : Optional.empty();
  }

  /**
   * Feeds a pong to the heartbeat, for endpoints with their own pong handler.
   *
   * @param session the session
   * @param pong the pong
   */
  public static void pong(Session session, PongMessage pong) {
    Checks.notNull("pong", pong);
    connection(session).ifPresent(c -> c.pongReceived(pong.getApplicationData()));
  }

  /**
   * Removes a session from the registry; for {@code onClose} and {@code onError}. Idempotent.
   *
   * @param registry the registry
   * @param session the session
   * @return true if this call removed it
   */
  public static boolean unregister(ConnectionRegistry<Session> registry, Session session) {
    Checks.notNull("registry", registry);
    Checks.notNull("session", session);
    return registry.unregister(session);
  }
}
