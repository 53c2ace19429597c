package dev.reliability.core.connection.jetty;

import dev.reliability.core.connection.CloseStatus;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionTransport;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.RejectReason;
import dev.reliability.core.connection.Reservation;
import dev.reliability.core.internal.Checks;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.WebSocketCreator;

/**
 * Connects Jetty 12's own WebSocket API ({@code org.eclipse.jetty.websocket.api}) to a {@link
 * ConnectionRegistry}: a transport, one-call registration, an endpoint wrapper and a creator that
 * refuses at the handshake.
 *
 * <p>Needs {@code org.eclipse.jetty.websocket:jetty-websocket-jetty-server} (optional dependency of
 * reliability-core; Jetty does the WebSocket protocol, this class only the bookkeeping).
 *
 * <pre>{@code
 * ConnectionRegistry<Session> registry =
 *     ConnectionRegistry.builder(JettyConnections.transport()).config(config).build();
 * ContextHandler context = new ContextHandler("/");
 * context.setHandler(WebSocketUpgradeHandler.from(server, context, container ->
 *     container.addMapping("/chat", JettyConnections.admit(registry,
 *         request -> request.getHeaders().get("X-User"),
 *         (request, response, callback) -> new ChatEndpoint(registry)))));
 * }</pre>
 *
 * <p>(From {@code docs/websocket-registry.md}, compiled in {@code WebSocketRegistryGuideTest}.)
 *
 * <p>Three levels, use one:
 *
 * <ul>
 *   <li>{@link #admit}: reserves when the upgrade request arrives and answers 503 with {@code
 *       Retry-After} when full, before upgrading; the endpoint is wrapped as by {@link #track}.
 *   <li>{@link #track}: wraps an auto-demanding endpoint; registers at open (closing with the
 *       over-capacity status when full), records activity, feeds pongs, unregisters at close.
 *   <li>{@link #register}: one call from any endpoint's open callback; the endpoint then calls
 *       {@link RegisteredConnection#recordActivity()}, {@link RegisteredConnection#pongReceived}
 *       and {@link RegisteredConnection#unregister()} itself (annotated endpoints, endpoints that
 *       need partial messages or manage demand).
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class JettyConnections {

  private JettyConnections() {}

  /**
   * Returns the transport for Jetty sessions: asynchronous sends with Jetty callbacks, pings,
   * {@code close(code, reason)} and {@code disconnect()} to abort.
   *
   * @return the shared transport
   */
  public static ConnectionTransport<Session> transport() {
    return JettyTransport.INSTANCE;
  }

  /**
   * Registers a session from its open callback; if the registry refuses, closes the session with
   * the over-capacity status (or the shutdown status while shutting down).
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
      refuse(registry, session, reservation.rejectReason());
      return Optional.empty();
    }
    RegisteredConnection<Session> connection = reservation.commit(session);
    return connection.isOpen() ? Optional.of(connection) : Optional.empty();
  }

  private static void refuse(
      ConnectionRegistry<Session> registry, Session session, RejectReason reason) {
    CloseStatus status =
        reason == RejectReason.SHUTTING_DOWN
            ? registry.config().shutdownStatus()
            : registry.config().overCapacityStatus();
    session.close(status.code(), status.reason(), Callback.NOOP);
  }

  /**
   * Wraps an endpoint so its session is registered at open, its whole messages record activity, its
   * pongs feed the heartbeat, and it is unregistered at close or error. Pings are still answered by
   * Jetty. A refused session is closed with the over-capacity status and the endpoint sees none of
   * its callbacks.
   *
   * @param registry the registry
   * @param key the key to count the session under, or null
   * @param endpoint an auto-demanding endpoint (such as a {@code
   *     Session.Listener.AbstractAutoDemanding}) that uses whole-message callbacks
   * @return the listener to hand to Jetty
   */
  public static Session.Listener track(
      ConnectionRegistry<Session> registry, String key, Session.Listener.AutoDemanding endpoint) {
    Checks.notNull("registry", registry);
    Checks.notNull("endpoint", endpoint);
    return new JettyTrackingListener(registry, key, null, endpoint);
  }

  /**
   * Returns a creator that reserves a slot for each upgrade request before upgrading. When the
   * registry refuses, it answers {@code 503 Service Unavailable} with {@code Retry-After} (whole
   * seconds of the registry's retry hint) and does not upgrade. Otherwise it asks {@code creator}
   * for the endpoint and wraps it as {@link #track} does, committing the reservation at open. The
   * reservation is released if the creator throws or returns null, if the HTTP exchange fails
   * before the upgrade (a client that resets the connection during the handshake), if the
   * connection closes or fails before open, and, as a last resort, by the registry's reservation
   * timeout (default 5s).
   *
   * @param registry the registry
   * @param keyOf the key of a request (user, tenant, remote address), or a function returning null
   * @param creator creates the endpoint; it must return a {@code Session.Listener.AutoDemanding}
   * @return the admitting creator
   */
  public static WebSocketCreator admit(
      ConnectionRegistry<Session> registry,
      Function<? super ServerUpgradeRequest, String> keyOf,
      WebSocketCreator creator) {
    Checks.notNull("registry", registry);
    Checks.notNull("keyOf", keyOf);
    Checks.notNull("creator", creator);
    return (request, response, callback) -> {
      Reservation<Session> reservation = registry.tryReserve(keyOf.apply(request));
      if (!reservation.isGranted()) {
        long seconds = Math.max(1, (reservation.retryAfter().toMillis() + 999) / 1000);
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(seconds));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        response.write(
            true,
            ByteBuffer.wrap(
                ("Server at capacity (" + reservation.rejectReason() + ")\n")
                    .getBytes(StandardCharsets.UTF_8)),
            callback);
        return null;
      }
      Object endpoint;
      try {
        endpoint = creator.createWebSocket(request, response, callback);
      } catch (Throwable t) {
        reservation.release();
        throw t;
      }
      if (endpoint == null) {
        reservation.release();
        return null;
      }
      if (!(endpoint instanceof Session.Listener.AutoDemanding listener)) {
        reservation.release();
        throw new IllegalStateException(
            "endpoint must be a Session.Listener.AutoDemanding, was "
                + endpoint.getClass().getName());
      }
      // A client that resets the connection during the handshake fails the 101 response: Jetty
      // then never upgrades and calls none of the endpoint's callbacks, so the exchange's failure
      // is the only sign. Releasing after a commit does nothing, so the order does not matter.
      Request.addCompletionListener(
          request,
          failure -> {
            if (failure != null) {
              reservation.release();
            }
          });
      return new JettyTrackingListener(registry, reservation.key(), reservation, listener);
    };
  }
}
