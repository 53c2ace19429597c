package dev.reliability.metrics;

import dev.reliability.core.internal.Checks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds Micrometer's own JVM, process and system binders in one call: class loading, memory pools
 * and buffers, garbage collection (pauses, live data, allocation), heap pressure ({@code
 * jvm.memory.usage.after.gc}, {@code jvm.gc.overhead}), threads, JVM info and JIT compilation, CPU
 * ({@code system.cpu.usage}, {@code process.cpu.usage}), uptime and open file descriptors.
 *
 * <p>Micrometer does all the measuring; this class only chooses the set and owns the binders that
 * hold GC notification listeners, which {@link #close()} removes.
 *
 * <pre>{@code
 * try (RuntimeMetrics runtime = RuntimeMetrics.create()) {
 *   runtime.bindTo(registry);
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class RuntimeMetrics implements MeterBinder, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RuntimeMetrics.class);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private boolean closed;

  private RuntimeMetrics() {}

  /**
   * Creates an unbound instance.
   *
   * @return the binder
   */
  public static RuntimeMetrics create() {
    return new RuntimeMetrics();
  }

  /**
   * Registers every JVM, process and system meter in {@code registry}. May be called for several
   * registries.
   *
   * @param registry the registry
   * @throws NullPointerException if {@code registry} is null
   * @throws IllegalStateException if this instance is closed
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Checks.notNull("registry", registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    JvmHeapPressureMetrics pressure = new JvmHeapPressureMetrics();
    synchronized (closeables) {
      if (closed) {
        gc.close();
        pressure.close();
        throw new IllegalStateException("RuntimeMetrics is closed");
      }
      closeables.add(gc);
      closeables.add(pressure);
    }
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    pressure.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new JvmCompilationMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** Removes the GC notification listeners. Idempotent. */
  @Override
  public void close() {
    List<AutoCloseable> toClose;
    synchronized (closeables) {
      closed = true;
      toClose = new ArrayList<>(closeables);
      closeables.clear();
    }
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("Could not close {}", c.getClass().getSimpleName(), e);
      }
    }
  }
}
