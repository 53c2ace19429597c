package dev.reliability.core.connection.jakarta;

import dev.reliability.core.connection.ConnectionRegistry;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Jetty's Jakarta WebSocket server (ee11) on 127.0.0.1 and an ephemeral port, serving /ws. */
final class JakartaServer implements AutoCloseable {

  private final Server server;
  private final ServerConnector connector;

  JakartaServer(ConnectionRegistry<Session> registry) throws Exception {
    this(registry, () -> {});
  }

  /** Runs {@code onHandshake} in every handshake, before the upgrade response is sent. */
  JakartaServer(ConnectionRegistry<Session> registry, Runnable onHandshake) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("jakarta-test");
    threads.setStopTimeout(200);
    server = new Server(threads);
    server.setStopTimeout(0);
    connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    JakartaWebSocketServletContainerInitializer.configure(
        context,
        (servletContext, container) ->
            container.addEndpoint(
                ServerEndpointConfig.Builder.create(RegisteredEchoEndpoint.class, "/ws")
                    .configurator(
                        new ServerEndpointConfig.Configurator() {
                          @Override
                          public void modifyHandshake(
                              ServerEndpointConfig config,
                              HandshakeRequest request,
                              HandshakeResponse response) {
                            onHandshake.run();
                          }

                          @Override
                          public <T> T getEndpointInstance(Class<T> type) {
                            return type.cast(new RegisteredEchoEndpoint(registry));
                          }
                        })
                    .build()));
    server.setHandler(context);
    server.start();
  }

  URI uri(String user) {
    return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/ws?user=" + user);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop", e);
    }
  }
}
