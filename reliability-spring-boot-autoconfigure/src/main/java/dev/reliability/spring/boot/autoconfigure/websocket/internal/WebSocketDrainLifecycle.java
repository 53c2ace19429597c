package dev.reliability.spring.boot.autoconfigure.websocket.internal;

import dev.reliability.core.connection.ConnectionRegistry;
import org.springframework.context.SmartLifecycle;

/**
 * Shuts the registry down when the application context stops, before the web server's graceful
 * shutdown (phase {@link #PHASE}, above Spring Boot's {@code
 * WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}): new handshakes are refused, every
 * session is closed with the registry's shutdown status (1001 by default) while the server can
 * still carry the close handshakes, and the stop waits up to the registry's {@code drain-timeout}
 * for the clients' replies. Thread-safe.
 */
public final class WebSocketDrainLifecycle implements SmartLifecycle {

  /**
   * Stops after beans of the default phase and before Spring Boot's graceful shutdown of the web
   * server ({@code SmartLifecycle.DEFAULT_PHASE - 1024}) and the web server's stop ({@code -
   * 2048}).
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private final ConnectionRegistry<?> registry;
  private volatile boolean running;

  /**
   * Creates the lifecycle.
   *
   * @param registry the registry to shut down
   */
  public WebSocketDrainLifecycle(ConnectionRegistry<?> registry) {
    this.registry = registry;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    registry.shutdown(registry.config().drainTimeout());
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
