package dev.reliability.health.internal;

import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthListener;
import dev.reliability.health.HealthStatusChange;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls every registered {@link HealthListener}, catching and logging each one's failure on its own
 * so one throwing listener never stops the others or the registry. Errors are caught too: a
 * listener's {@link StackOverflowError} must not stop the scheduler that called it.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class GuardedListeners implements HealthListener {

  private static final Logger LOG = LoggerFactory.getLogger(GuardedListeners.class);

  private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * Creates the dispatcher with initial listeners.
   *
   * @param initial the listeners
   */
  public GuardedListeners(List<HealthListener> initial) {
    listeners.addAll(initial);
  }

  /**
   * Adds a listener.
   *
   * @param listener the listener
   */
  public void add(HealthListener listener) {
    listeners.add(listener);
  }

  /**
   * Removes a listener.
   *
   * @param listener the listener
   * @return true if it was registered
   */
  public boolean remove(HealthListener listener) {
    return listeners.remove(listener);
  }

  @Override
  public void onCheckCompleted(String check, HealthCheckResult result) {
    for (HealthListener l : listeners) {
      try {
        l.onCheckCompleted(check, result);
      } catch (Throwable e) {
        failed(l, "onCheckCompleted", e);
      }
    }
  }

  @Override
  public void onCheckTimedOut(String check, Duration timeout) {
    for (HealthListener l : listeners) {
      try {
        l.onCheckTimedOut(check, timeout);
      } catch (Throwable e) {
        failed(l, "onCheckTimedOut", e);
      }
    }
  }

  @Override
  public void onRunSkipped(String check, Duration runningFor) {
    for (HealthListener l : listeners) {
      try {
        l.onRunSkipped(check, runningFor);
      } catch (Throwable e) {
        failed(l, "onRunSkipped", e);
      }
    }
  }

  @Override
  public void onStatusChanged(HealthStatusChange change) {
    for (HealthListener l : listeners) {
      try {
        l.onStatusChanged(change);
      } catch (Throwable e) {
        failed(l, "onStatusChanged", e);
      }
    }
  }

  private static void failed(HealthListener listener, String method, Throwable e) {
    try {
      LOG.warn(
          "Health listener {} failed in {}; the other listeners still run", listener, method, e);
    } catch (Throwable ignored) {
      // Logging can fail under memory pressure; the registry must go on regardless.
    }
  }
}
