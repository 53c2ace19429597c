package dev.reliability.spring.boot.autoconfigure.metrics.internal;

import dev.reliability.core.connection.ConnectionListener;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.metrics.ConnectionRegistryMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ConnectionListener} for a registry's builder that records heartbeat round-trip times in
 * {@link ConnectionRegistryMetrics#roundTripTimer}'s timer once Spring Boot binds it to the
 * application's meter registry (round trips before that are not recorded), and removes the timer
 * when the context closes. Thread-safe.
 */
public final class RoundTripTimerBinder implements ConnectionListener, MeterBinder, AutoCloseable {

  private final String registryName;
  private final List<ConnectionListener> timers = new CopyOnWriteArrayList<>();
  private final List<Bound> bound = new CopyOnWriteArrayList<>();

  private record Bound(MeterRegistry meters, Meter.Id id) {}

  /**
   * Creates the binder.
   *
   * @param registryName the connection registry's name, for the tag
   */
  public RoundTripTimerBinder(String registryName) {
    this.registryName = registryName;
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    timers.add(ConnectionRegistryMetrics.roundTripTimer(meters, registryName));
    Meter timer =
        meters.find(ConnectionRegistryMetrics.ROUND_TRIP).tag("registry", registryName).timer();
    if (timer != null) {
      bound.add(new Bound(meters, timer.getId()));
    }
  }

  @Override
  public void onRoundTrip(RegisteredConnection<?> connection, long roundTripNanos) {
    for (ConnectionListener timer : timers) {
      timer.onRoundTrip(connection, roundTripNanos);
    }
  }

  /** Stops recording and removes the timer. Idempotent. */
  @Override
  public void close() {
    timers.clear();
    for (Bound b : bound) {
      b.meters().remove(b.id());
    }
    bound.clear();
  }

  @Override
  public String toString() {
    return "RoundTripTimerBinder[" + registryName + "]";
  }
}
