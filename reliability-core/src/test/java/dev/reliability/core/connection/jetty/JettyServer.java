package dev.reliability.core.connection.jetty;

import java.net.URI;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/** A Jetty 12 WebSocket server on 127.0.0.1 and an ephemeral port, serving one creator at /ws. */
final class JettyServer implements AutoCloseable {

  private final Server server;
  private final ServerConnector connector;

  private JettyServer(WebSocketCreator creator) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("jetty-test");
    threads.setStopTimeout(200);
    server = new Server(threads);
    server.setStopTimeout(0);
    connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ContextHandler context = new ContextHandler("/");
    WebSocketUpgradeHandler ws =
        WebSocketUpgradeHandler.from(
            server,
            context,
            container -> {
              container.setIdleTimeout(Duration.ofMinutes(2));
              container.addMapping("/ws", creator);
            });
    context.setHandler(ws);
    server.setHandler(context);
    server.start();
  }

  static JettyServer start(WebSocketCreator creator) throws Exception {
    return new JettyServer(creator);
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/ws");
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
