package dev.reliability.spring.boot.autoconfigure.health.internal;

import dev.reliability.health.HealthLifecycle;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Drives a {@link HealthLifecycle} from Spring's lifecycle and holds the shutdown for the drain
 * time before the web server stops.
 *
 * <ul>
 *   <li>{@link ApplicationReadyEvent}: startup is complete (Spring then publishes {@code
 *       ReadinessState.ACCEPTING_TRAFFIC}).
 *   <li>{@link ContextClosedEvent} of this context: the shutdown begins, so readiness fails at
 *       once; Spring's readiness is turned to {@code REFUSING_TRAFFIC} too if it still accepts (the
 *       web server contexts publish it themselves just before).
 *   <li>{@link #stop()}, in phase {@link #PHASE}, above the WebSocket drain and the web server's
 *       graceful shutdown ({@code SmartLifecycle.DEFAULT_PHASE - 1024}): waits until the drain time
 *       has passed since the shutdown began, with the server still serving; then Spring's graceful
 *       shutdown lets requests in flight finish and the server stops.
 * </ul>
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class ShutdownDrain implements SmartLifecycle, ApplicationListener<ApplicationEvent> {

  /**
   * The lifecycle phase: stopped before the WebSocket registry's drain ({@code DEFAULT_PHASE -
   * 512}), so clients whose sessions it then closes reconnect through a load balancer that has
   * dropped this instance, and before the web server's graceful shutdown ({@code DEFAULT_PHASE -
   * 1024}).
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 256;

  private static final Logger LOG = LoggerFactory.getLogger(ShutdownDrain.class);

  private final HealthLifecycle lifecycle;
  private final ApplicationContext context;
  private final ObjectProvider<ApplicationAvailability> availability;
  private volatile boolean running;

  /**
   * Creates the bridge.
   *
   * @param lifecycle the registry's lifecycle
   * @param context the application context whose close begins the shutdown
   * @param availability Spring's availability, if any
   */
  public ShutdownDrain(
      HealthLifecycle lifecycle,
      ApplicationContext context,
      ObjectProvider<ApplicationAvailability> availability) {
    this.lifecycle = lifecycle;
    this.context = context;
    this.availability = availability;
  }

  @Override
  public void onApplicationEvent(ApplicationEvent event) {
    if (event instanceof ApplicationReadyEvent ready && ready.getApplicationContext() == context) {
      lifecycle.markStartupComplete();
    } else if (event instanceof ContextClosedEvent closed
        && closed.getApplicationContext() == context) {
      beginShutdown();
    }
  }

  private void beginShutdown() {
    if (lifecycle.isShuttingDown()) {
      return;
    }
    lifecycle.beginShutdown();
    ApplicationAvailability spring = availability.getIfAvailable();
    if (spring != null && spring.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC) {
      AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
    }
    LOG.info(
        "Readiness refuses traffic; the web server keeps serving for the drain time of {}",
        text(lifecycle.drainTime()));
  }

  private static String text(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    if (!running) {
      return;
    }
    running = false;
    beginShutdown();
    if (!lifecycle.isStartupComplete()) {
      return; // never ready, so never in a load balancer: nothing to drain
    }
    try {
      lifecycle.awaitDrained();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
