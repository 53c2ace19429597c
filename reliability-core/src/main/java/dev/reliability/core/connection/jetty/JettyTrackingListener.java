package dev.reliability.core.connection.jetty;

import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.Reservation;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * Wraps an auto-demanding endpoint: registers its session at open, records activity for whole
 * messages, feeds pongs to the heartbeat and unregisters at close or error.
 *
 * <p>It declares only the callbacks it needs (Jetty calls the methods a listener overrides), so
 * pings are still answered by Jetty, and partial-message and frame callbacks of the endpoint are
 * not used. A refused session is closed and never shown to the endpoint.
 *
 * <p>Public only because Jetty builds method handles on the listener's class; its constructor is
 * package-private, so {@link JettyConnections#track} and {@link JettyConnections#admit} are the
 * only way to get one. It lives in this adapter package because it needs Jetty's API, which the
 * rest of the library must not.
 */
public final class JettyTrackingListener implements Session.Listener.AutoDemanding {

  /**
   * Whether an endpoint class declares the close callback that takes a {@link Callback}; Jetty's
   * default of that method does not complete the callback, so endpoints that only override the
   * two-argument variant get the callback completed here.
   */
  private static final ClassValue<Boolean> COMPLETES_CLOSE_CALLBACK =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          try {
            return type.getMethod("onWebSocketClose", int.class, String.class, Callback.class)
                    .getDeclaringClass()
                != Session.Listener.class;
          } catch (NoSuchMethodException e) {
            return false;
          }
        }
      };

  private final ConnectionRegistry<Session> registry;
  private final String key;
  private final Reservation<Session> reservation;
  private final Session.Listener.AutoDemanding endpoint;
  private volatile RegisteredConnection<Session> connection;

  /**
   * Creates the listener.
   *
   * @param registry the registry
   * @param key the key, or null
   * @param reservation the reservation made at the handshake, or null to reserve at open
   * @param endpoint the wrapped endpoint
   */
  JettyTrackingListener(
      ConnectionRegistry<Session> registry,
      String key,
      Reservation<Session> reservation,
      Session.Listener.AutoDemanding endpoint) {
    this.registry = registry;
    this.key = key;
    this.reservation = reservation;
    this.endpoint = endpoint;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    Optional<RegisteredConnection<Session>> registered =
        reservation == null ? JettyConnections.register(registry, session, key) : commit(session);
    if (registered.isEmpty()) {
      return;
    }
    connection = registered.get();
    endpoint.onWebSocketOpen(session);
  }

  private Optional<RegisteredConnection<Session>> commit(Session session) {
    RegisteredConnection<Session> c;
    try {
      c = reservation.commit(session);
    } catch (IllegalStateException expired) {
      // The reservation timed out before the upgrade completed: try for a fresh slot.
      return JettyConnections.register(registry, session, key);
    }
    return c.isOpen() ? Optional.of(c) : Optional.empty();
  }

  @Override
  public void onWebSocketText(String message) {
    RegisteredConnection<Session> c = connection;
    if (c != null) {
      c.recordActivity();
      endpoint.onWebSocketText(message);
    }
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    RegisteredConnection<Session> c = connection;
    if (c != null) {
      c.recordActivity();
      endpoint.onWebSocketBinary(payload, callback);
    } else {
      callback.succeed();
    }
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    RegisteredConnection<Session> c = connection;
    if (c != null) {
      c.pongReceived(payload);
      endpoint.onWebSocketPong(payload);
    }
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    RegisteredConnection<Session> c = connection;
    if (c != null) {
      c.unregister();
      endpoint.onWebSocketError(cause);
    } else if (reservation != null) {
      reservation.release();
    }
  }

  @Override
  @SuppressWarnings("removal") // endpoints written for Jetty 12.0 still override the 2-arg variant
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    RegisteredConnection<Session> c = connection;
    if (c != null) {
      c.unregister();
      if (COMPLETES_CLOSE_CALLBACK.get(endpoint.getClass())) {
        endpoint.onWebSocketClose(statusCode, reason, callback);
      } else {
        try {
          endpoint.onWebSocketClose(statusCode, reason);
        } finally {
          callback.succeed();
        }
      }
    } else {
      if (reservation != null) {
        reservation.release();
      }
      callback.succeed();
    }
  }

  @Override
  public String toString() {
    return "JettyTrackingListener[" + endpoint + "]";
  }
}
