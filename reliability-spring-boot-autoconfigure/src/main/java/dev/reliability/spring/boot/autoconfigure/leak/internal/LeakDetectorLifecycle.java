package dev.reliability.spring.boot.autoconfigure.leak.internal;

import dev.reliability.core.leak.LeakDetector;
import org.springframework.context.SmartLifecycle;

/**
 * Starts a {@link LeakDetector}'s sampling thread when the application context starts (at the end
 * of its refresh) and closes the detector when the context stops, so no thread outlives the
 * context. A detector, once closed, does not start again.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class LeakDetectorLifecycle implements SmartLifecycle {

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
}
