package dev.reliability.examples;

import dev.reliability.core.connection.ConnectionRegistry;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The {@code /ws} endpoint: echoes every text message. Replies go through the connection's bounded
 * outbound queue in the registry, so a client that does not read cannot make the server buffer
 * without limit. The registry's Jetty adapter wraps this endpoint (registration, activity, pongs,
 * unregistration), so it only echoes. One instance per connection.
 */
final class EchoEndpoint extends Session.Listener.AbstractAutoDemanding {

  private final ConnectionRegistry<Session> registry;

  EchoEndpoint(ConnectionRegistry<Session> registry) {
    this.registry = registry;
  }

  @Override
  public void onWebSocketText(String message) {
    // Not registered any more means the registry is closing it: nothing to echo then.
    registry.find(getSession()).ifPresent(connection -> connection.send(message));
  }
}
