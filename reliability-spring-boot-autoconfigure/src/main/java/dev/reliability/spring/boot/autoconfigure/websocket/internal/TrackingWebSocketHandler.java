package dev.reliability.spring.boot.autoconfigure.websocket.internal;

import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.RejectReason;
import dev.reliability.core.connection.Reservation;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;

/**
 * Registers each session with the registry when it opens (committing the reservation of {@link
 * AdmittingHandshakeInterceptor}, or reserving then if the interceptor was not applied), records
 * every received message as activity, feeds pongs to the heartbeat, and unregisters at close or
 * transport error. The handler it decorates sees a {@link TrackedSession} whose sends go through
 * the registry's bounded queue. A session the registry refuses is closed with the registry's
 * over-capacity (or shutdown) status and the decorated handler sees none of its callbacks.
 * Thread-safe.
 */
public final class TrackingWebSocketHandler extends WebSocketHandlerDecorator {

  private static final Logger LOG = LoggerFactory.getLogger(TrackingWebSocketHandler.class);

  private final ConnectionRegistry<WebSocketSession> registry;

  // Holds only sessions the registry admitted, so its size is bounded by the registry's capacity.
  private final Map<WebSocketSession, TrackedSession> sessions = new ConcurrentHashMap<>();

  /**
   * Creates the decorator.
   *
   * @param registry the registry
   * @param delegate the application's handler
   */
  public TrackingWebSocketHandler(
      ConnectionRegistry<WebSocketSession> registry, WebSocketHandler delegate) {
    super(delegate);
    this.registry = registry;
  }

  @Override
  public void afterConnectionEstablished(WebSocketSession session) throws Exception {
    RegisteredConnection<WebSocketSession> connection = admit(session);
    if (connection == null) {
      return;
    }
    TrackedSession tracked = new TrackedSession(session, connection);
    sessions.put(session, tracked);
    if (!connection.isOpen()) {
      // Closed by the registry (shutdown) between commit and now: nothing for the handler.
      sessions.remove(session);
      return;
    }
    super.afterConnectionEstablished(tracked);
  }

  @Override
  public void handleMessage(WebSocketSession session, WebSocketMessage<?> message)
      throws Exception {
    TrackedSession tracked = sessions.get(session);
    if (tracked == null) {
      return;
    }
    if (message instanceof PongMessage pong) {
      tracked.connection().pongReceived(pong.getPayload());
    } else {
      tracked.connection().recordActivity();
    }
    super.handleMessage(tracked, message);
  }

  @Override
  public void handleTransportError(WebSocketSession session, Throwable exception) throws Exception {
    TrackedSession tracked = sessions.get(session);
    if (tracked == null) {
      return;
    }
    tracked.connection().unregister();
    super.handleTransportError(tracked, exception);
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus)
      throws Exception {
    TrackedSession tracked = sessions.remove(session);
    if (tracked == null) {
      // Refused at open; a reservation the interceptor left is given back (no-op after commit).
      Object reservation =
          session.getAttributes().remove(AdmittingHandshakeInterceptor.RESERVATION_ATTRIBUTE);
      if (reservation instanceof Reservation<?> r) {
        r.release();
      }
      return;
    }
    tracked.connection().unregister();
    super.afterConnectionClosed(tracked, closeStatus);
  }

  /** Commits the handshake's reservation or reserves now; null if refused (the session closed). */
  private RegisteredConnection<WebSocketSession> admit(WebSocketSession session) {
    Object held =
        session.getAttributes().remove(AdmittingHandshakeInterceptor.RESERVATION_ATTRIBUTE);
    String key = null;
    if (held instanceof Reservation<?> r) {
      @SuppressWarnings("unchecked")
      Reservation<WebSocketSession> reservation = (Reservation<WebSocketSession>) r;
      key = reservation.key();
      try {
        return reservation.commit(session);
      } catch (IllegalStateException expired) {
        // Expired or released since the handshake: try for a fresh slot under the same key.
        LOG.debug("WebSocket reservation no longer held at open; reserving again", expired);
      }
    } else {
      key = remoteAddress(session);
    }
    Reservation<WebSocketSession> fresh = registry.tryReserve(key);
    if (!fresh.isGranted()) {
      dev.reliability.core.connection.CloseStatus status =
          fresh.rejectReason() == RejectReason.SHUTTING_DOWN
              ? registry.config().shutdownStatus()
              : registry.config().overCapacityStatus();
      try {
        session.close(new CloseStatus(status.code(), status.reason()));
      } catch (IOException | RuntimeException e) {
        LOG.debug("Closing a refused WebSocket session failed", e);
      }
      return null;
    }
    return fresh.commit(session);
  }

  private static String remoteAddress(WebSocketSession session) {
    InetSocketAddress address = session.getRemoteAddress();
    if (address == null) {
      return null;
    }
    return address.getAddress() != null
        ? address.getAddress().getHostAddress()
        : address.getHostString();
  }

  @Override
  public String toString() {
    return "TrackingWebSocketHandler[" + registry.name() + ", " + getDelegate() + "]";
  }
}
