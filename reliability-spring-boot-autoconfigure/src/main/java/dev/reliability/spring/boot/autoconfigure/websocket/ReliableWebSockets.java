package dev.reliability.spring.boot.autoconfigure.websocket;

import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionTransport;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.spring.boot.autoconfigure.websocket.internal.AdmittingHandshakeInterceptor;
import dev.reliability.spring.boot.autoconfigure.websocket.internal.SpringSessionTransport;
import dev.reliability.spring.boot.autoconfigure.websocket.internal.TrackedSession;
import dev.reliability.spring.boot.autoconfigure.websocket.internal.TrackingWebSocketHandler;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Applies a {@link ConnectionRegistry} to Spring WebSocket handlers: admission at the handshake and
 * tracking of each session. Use both on every handler the registry should bound:
 *
 * <pre>{@code
 * registry
 *     .addHandler(sockets.decorate(new EchoHandler()), "/echo")
 *     .addInterceptors(sockets.handshakeInterceptor());
 * }</pre>
 *
 * <ul>
 *   <li>{@link #handshakeInterceptor()} reserves a slot for the client's address when the upgrade
 *       request arrives; when the registry is full it answers {@code 503} (or {@code 429} when the
 *       address holds its {@code max-connections-per-key}) with {@code Retry-After} and does not
 *       upgrade. The slot is given back if the upgrade does not happen, including a client that
 *       resets the connection after its upgrade request.
 *   <li>{@link #decorate(WebSocketHandler)} registers the session when it opens, records received
 *       messages as activity (idle timeout), feeds pongs to the heartbeat and unregisters at close.
 *       The handler sees a session whose {@code sendMessage} queues whole messages in the
 *       registry's bounded outbound queue without blocking ({@code max-queued-messages}, {@code
 *       max-queued-bytes}, {@code overflow-policy}, {@code send-timeout}); the registry closes
 *       idle, old, unresponsive and slow sessions with its close codes.
 * </ul>
 *
 * <p>At shutdown the auto-configuration closes every session with the shutdown status (1001) before
 * the web server stops. The auto-configuration provides one bean over the {@code
 * ConnectionRegistry} bean; build others with {@link #of(ConnectionRegistry)} and registries with
 * {@link #transport()}. Immutable and thread-safe.
 */
public final class ReliableWebSockets {

  private final ConnectionRegistry<WebSocketSession> registry;

  private ReliableWebSockets(ConnectionRegistry<WebSocketSession> registry) {
    this.registry = registry;
  }

  /**
   * Returns the integration over a registry.
   *
   * @param registry a registry built with {@link #transport()}
   * @return the integration
   * @throws NullPointerException if {@code registry} is null
   */
  public static ReliableWebSockets of(ConnectionRegistry<WebSocketSession> registry) {
    return new ReliableWebSockets(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * Returns the transport for Spring's sessions, to build a {@link ConnectionRegistry} of your own:
   * asynchronous sends through the Jakarta remote on containers whose sessions wrap one (Tomcat),
   * Spring's blocking {@code sendMessage} otherwise.
   *
   * @return the shared, stateless transport
   */
  public static ConnectionTransport<WebSocketSession> transport() {
    return SpringSessionTransport.INSTANCE;
  }

  /**
   * Returns the registry.
   *
   * @return the registry
   */
  public ConnectionRegistry<WebSocketSession> registry() {
    return registry;
  }

  /**
   * Returns a handshake interceptor that counts each connection under the client's IP address (as
   * the container reports it; with {@code server.forward-headers-strategy} set, the forwarded one).
   *
   * @return the interceptor
   */
  public HandshakeInterceptor handshakeInterceptor() {
    return handshakeInterceptor(AdmittingHandshakeInterceptor::remoteAddress);
  }

  /**
   * Returns a handshake interceptor that counts each connection under the key of its upgrade
   * request (a user or tenant), for {@code max-connections-per-key}.
   *
   * @param keyOf the key of a request; it may return null for none
   * @return the interceptor
   * @throws NullPointerException if {@code keyOf} is null
   */
  public HandshakeInterceptor handshakeInterceptor(
      Function<? super ServerHttpRequest, String> keyOf) {
    return new AdmittingHandshakeInterceptor(registry, Objects.requireNonNull(keyOf, "keyOf"));
  }

  /**
   * Wraps a handler so its sessions are registered, tracked and bounded. A session that arrives
   * without a reservation (no {@link #handshakeInterceptor()} on the mapping) is registered when it
   * opens, and closed with the over-capacity status (1013 by default) if the registry is full.
   *
   * @param handler the application's handler
   * @return the decorated handler, to register with Spring
   * @throws NullPointerException if {@code handler} is null
   */
  public WebSocketHandler decorate(WebSocketHandler handler) {
    return new TrackingWebSocketHandler(registry, Objects.requireNonNull(handler, "handler"));
  }

  /**
   * Returns the registry's entry for a session: the one a decorated handler was given, or the
   * container's own. For the per-connection calls the session does not offer ({@link
   * RegisteredConnection#queuedMessages()}, {@link RegisteredConnection#roundTripTime()}, ...).
   *
   * @param session a session of a decorated handler
   * @return the registered connection, or empty if the session is not (or no longer) registered
   * @throws NullPointerException if {@code session} is null
   */
  public Optional<RegisteredConnection<WebSocketSession>> connection(WebSocketSession session) {
    Objects.requireNonNull(session, "session");
    if (session instanceof TrackedSession tracked) {
      RegisteredConnection<WebSocketSession> connection = tracked.connection();
      return connection.isOpen() ? Optional.of(connection) : Optional.empty();
    }
    return registry.find(session);
  }

  @Override
  public String toString() {
    return "ReliableWebSockets[" + registry.name() + "]";
  }
}
