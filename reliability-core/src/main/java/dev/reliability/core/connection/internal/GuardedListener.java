package dev.reliability.core.connection.internal;

import dev.reliability.core.connection.CloseCause;
import dev.reliability.core.connection.ConnectionListener;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.RejectReason;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls each listener in turn; a listener that throws is logged and the others still run.
 *
 * <p>Internal: may change at any time.
 */
final class GuardedListener implements ConnectionListener {

  private static final Logger LOG = LoggerFactory.getLogger(GuardedListener.class);

  private final String registry;
  private final ConnectionListener[] listeners;

  GuardedListener(String registry, List<ConnectionListener> listeners) {
    this.registry = registry;
    this.listeners = listeners.toArray(new ConnectionListener[0]);
  }

  private void failed(ConnectionListener l, String event, Throwable t) {
    LOG.warn("Connection listener {} of registry '{}' failed in {}", l, registry, event, t);
  }

  @Override
  public void onRegistered(RegisteredConnection<?> connection) {
    for (ConnectionListener l : listeners) {
      try {
        l.onRegistered(connection);
      } catch (Throwable t) {
        failed(l, "onRegistered", t);
      }
    }
  }

  @Override
  public void onUnregistered(RegisteredConnection<?> connection, CloseCause cause) {
    for (ConnectionListener l : listeners) {
      try {
        l.onUnregistered(connection, cause);
      } catch (Throwable t) {
        failed(l, "onUnregistered", t);
      }
    }
  }

  @Override
  public void onRejected(String key, RejectReason reason) {
    for (ConnectionListener l : listeners) {
      try {
        l.onRejected(key, reason);
      } catch (Throwable t) {
        failed(l, "onRejected", t);
      }
    }
  }

  @Override
  public void onMessagesDropped(RegisteredConnection<?> connection, int dropped) {
    for (ConnectionListener l : listeners) {
      try {
        l.onMessagesDropped(connection, dropped);
      } catch (Throwable t) {
        failed(l, "onMessagesDropped", t);
      }
    }
  }

  @Override
  public void onRoundTrip(RegisteredConnection<?> connection, long roundTripNanos) {
    for (ConnectionListener l : listeners) {
      try {
        l.onRoundTrip(connection, roundTripNanos);
      } catch (Throwable t) {
        failed(l, "onRoundTrip", t);
      }
    }
  }
}
