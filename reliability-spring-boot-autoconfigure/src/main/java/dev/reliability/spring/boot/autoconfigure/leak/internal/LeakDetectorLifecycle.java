package dev.reliability.spring.boot.autoconfigure.leak.internal;

import dev.reliability.core.leak.LeakDetector;
import org.springframework.context.SmartLifecycle;

/**
 * Starts a {@link LeakDetector}'s sampling thread when the application context starts (at the end
 * of its refresh) and closes the detector when the context stops, so no thread outlives the
 * context. A detector, once closed, does not start again.
 *
 * <p>Its phase, {@link #PHASE}, is below the web server's, so the detector starts before the server
 * takes requests and keeps sampling (and its health check stays fresh) through the shutdown drain
 * and the server's graceful shutdown.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class LeakDetectorLifecycle implements SmartLifecycle {

  /** The lifecycle phase: below the web server's start and stop. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final LeakDetector detector;
  private volatile boolean running;

  /**
   * Creates the lifecycle.
   *
   * @param detector the detector it starts and closes
   */
  public LeakDetectorLifecycle(LeakDetector detector) {
    this.detector = detector;
  }

  @Override
  public synchronized void start() {
    if (!running) {
      detector.start();
      running = true;
    }
  }

  @Override
  public synchronized void stop() {
    running = false;
    detector.close();
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
