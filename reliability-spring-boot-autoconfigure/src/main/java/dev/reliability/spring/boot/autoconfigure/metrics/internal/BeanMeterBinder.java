package dev.reliability.spring.boot.autoconfigure.metrics.internal;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Binds one of the library's binders for every bean of a type (every {@code ConnectionRegistry},
 * every {@code LeakDetector}, ...) when Spring Boot binds the application's {@code MeterBinder}
 * beans to its meter registry, and removes the meters those binders registered when the context
 * closes, so a meter registry that outlives the context keeps no gauge over a closed object. Meters
 * a binder adds later by itself (a policy created after start) are removed by that binder when
 * their object goes ({@code PolicyMetrics} follows its registry's removals). Thread-safe.
 *
 * @param <T> the bean type
 */
public final class BeanMeterBinder<T> implements MeterBinder, AutoCloseable {

  private static final String PREFIX = "reliability.";

  private final ObjectProvider<T> beans;
  private final Function<? super T, ? extends MeterBinder> binderOf;
  private final List<Bound> bound = new CopyOnWriteArrayList<>();

  private record Bound(MeterRegistry meters, Meter.Id id) {}

  /**
   * Creates the binder.
   *
   * @param beans the beans to bind
   * @param binderOf the library's binder for one bean
   */
  public BeanMeterBinder(
      ObjectProvider<T> beans, Function<? super T, ? extends MeterBinder> binderOf) {
    this.beans = beans;
    this.binderOf = binderOf;
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    Set<Meter.Id> before = ids(meters);
    beans.orderedStream().forEach(bean -> binderOf.apply(bean).bindTo(meters));
    for (Meter meter : meters.getMeters()) {
      Meter.Id id = meter.getId();
      if (id.getName().startsWith(PREFIX) && !before.contains(id)) {
        bound.add(new Bound(meters, id));
      }
    }
  }

  /** Removes the meters this binder registered. Idempotent. */
  @Override
  public void close() {
    for (Bound b : bound) {
      b.meters().remove(b.id());
    }
    bound.clear();
  }

  private static Set<Meter.Id> ids(MeterRegistry meters) {
    Set<Meter.Id> ids = new HashSet<>();
    for (Meter meter : meters.getMeters()) {
      ids.add(meter.getId());
    }
    return ids;
  }

  @Override
  public String toString() {
    return "BeanMeterBinder[" + bound.size() + " meters]";
  }
}
