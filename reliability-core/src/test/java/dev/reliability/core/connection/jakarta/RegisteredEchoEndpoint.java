package dev.reliability.core.connection.jakarta;

import dev.reliability.core.connection.ConnectionRegistry;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

/** The Jakarta example of docs/websocket-registry.md: register at open, echo, unregister. */
public class RegisteredEchoEndpoint extends Endpoint {

  private final ConnectionRegistry<Session> registry;

  public RegisteredEchoEndpoint(ConnectionRegistry<Session> registry) {
    this.registry = registry;
  }

  @Override
  public void onOpen(Session session, EndpointConfig config) {
    String user = session.getRequestParameterMap().get("user").get(0);
    JakartaConnections.register(registry, session, user)
        .ifPresent(
            connection ->
                session.addMessageHandler(
                    String.class,
                    text -> {
                      connection.recordActivity();
                      connection.send("echo:" + text);
                    }));
  }

  @Override
  public void onClose(Session session, CloseReason reason) {
    JakartaConnections.unregister(registry, session);
  }

  @Override
  public void onError(Session session, Throwable failure) {
    JakartaConnections.unregister(registry, session);
  }
}
