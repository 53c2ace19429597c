package dev.reliability.benchmarks.context;

import dev.reliability.core.context.ContextPropagation;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of carrying the request context across an executor hop.
 *
 * <p>{@code inline}: wrap a task and run it on the calling thread, which isolates the capture,
 * restore and clean-up from thread hand-off. {@code pooled}: submit to a single-thread pool and
 * wait for the result, the whole round trip. {@code impl}: {@code plain} runs the task unwrapped
 * (no context on the other side); {@code reliability} wraps with {@link ContextPropagation}.
 *
 * <p>Run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * ExecutorHopBenchmark -prof gc -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExecutorHopBenchmark {

  @Param({"plain", "reliability"})
  public String impl;

  private ExecutorService raw;
  private ExecutorService pool;
  private ContextScope scope;
  private final Runnable task = () -> RequestContext.currentRequestId();

  @Setup(Level.Trial)
  public void setUp() {
    raw = Executors.newSingleThreadExecutor();
    pool = impl.equals("plain") ? raw : ContextPropagation.wrap(raw);
    scope = RequestContext.builder("7Kq2xWm9RtYb3NvA").tenantId("acme").build().bind();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    scope.close();
    raw.shutdownNow();
  }

  @Benchmark
  public void inline() {
    (impl.equals("plain") ? task : ContextPropagation.wrap(task)).run();
  }

  @Benchmark
  public Object pooled() throws InterruptedException, ExecutionException {
    return pool.submit(task).get();
  }
}
