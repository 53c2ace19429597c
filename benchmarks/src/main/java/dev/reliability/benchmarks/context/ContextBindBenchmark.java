package dev.reliability.benchmarks.context;

import dev.reliability.core.context.ContextPropagation;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import io.micrometer.context.ContextSnapshot;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;

/**
 * Cost of binding a request context for a unit of work and restoring what was there before.
 *
 * <p>{@code impl}: {@code reliability} binds a {@link RequestContext} with two fields (request and
 * tenant ID) mirrored into the MDC and closes the scope; {@code mdc} is the hand-written peer,
 * SLF4J's {@code MDC.putCloseable} for the same two keys (which removes rather than restores);
 * {@code snapshot} captures and restores a Micrometer context-propagation snapshot holding the
 * bound context (what every executor hop and policy call pays on top of the task). The MDC is
 * Logback's.
 *
 * <p>Run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * ContextBindBenchmark -prof gc -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ContextBindBenchmark {

  @Param({"reliability", "mdc", "snapshot"})
  public String impl;

  private final RequestContext context =
      RequestContext.builder("7Kq2xWm9RtYb3NvA").tenantId("acme").build();

  @Benchmark
  public Object bindAndRestore() {
    switch (impl) {
      case "reliability":
        try (ContextScope scope = context.bind()) {
          return scope;
        }
      case "mdc":
        try (MDC.MDCCloseable a = MDC.putCloseable("request_id", "7Kq2xWm9RtYb3NvA");
            MDC.MDCCloseable b = MDC.putCloseable("tenant_id", "acme")) {
          return a;
        }
      default:
        try (ContextScope outer = context.bind()) {
          ContextSnapshot snapshot = ContextPropagation.capture();
          try (ContextSnapshot.Scope s = snapshot.setThreadLocals()) {
            return s;
          }
        }
    }
  }
}
