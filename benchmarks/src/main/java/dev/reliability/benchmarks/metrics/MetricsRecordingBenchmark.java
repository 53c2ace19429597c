package dev.reliability.benchmarks.metrics;

import dev.reliability.metrics.KeyedCounter;
import dev.reliability.metrics.http.HttpServerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of recording one HTTP request (a timer with method, route and status class) and one keyed
 * counter increment, through this library's bindings and through Micrometer directly, into a
 * Prometheus registry.
 *
 * <ul>
 *   <li>{@code micrometer}: meters registered once and held in fields (the floor);
 *   <li>{@code micrometer-builder}: {@code Timer.builder(...).tags(...).register(registry)} on
 *       every call, what a hand-written filter usually does;
 *   <li>{@code reliability}: {@link HttpServerMetrics#record} (meter lookup by method, route and
 *       status class, cardinality guard, totals) and {@link KeyedCounter#increment(String)}.
 * </ul>
 *
 * <p>Run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * MetricsRecordingBenchmark -prof gc -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsRecordingBenchmark {

  @Param({"micrometer", "micrometer-builder", "reliability"})
  public String impl;

  private PrometheusMeterRegistry registry;
  private Timer timer;
  private Counter counter;
  private HttpServerMetrics http;
  private KeyedCounter keyed;
  private final String route = "/orders/{id}";
  private final String tenant = "acme";
  private long nanos = 1_234_567;

  @Setup
  public void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    timer = timerBuilder().register(registry);
    counter = Counter.builder("bench.requests").tag("tenant", tenant).register(registry);
    http = HttpServerMetrics.ofDefaults(registry);
    keyed = KeyedCounter.builder("bench.keyed", "tenant").register(registry);
  }

  private Timer.Builder timerBuilder() {
    return Timer.builder("bench.http.server.requests")
        .tag("method", "GET")
        .tag("route", route)
        .tag("status_class", "2xx")
        .serviceLevelObjectives(
            HttpServerMetrics.DEFAULT_BUCKETS.toArray(new java.time.Duration[0]));
  }

  @Benchmark
  public void timer() {
    nanos = (nanos * 31 + 7) & 0xFFFFFFF;
    switch (impl) {
      case "micrometer" -> timer.record(nanos, TimeUnit.NANOSECONDS);
      case "micrometer-builder" ->
          timerBuilder().register(registry).record(nanos, TimeUnit.NANOSECONDS);
      default -> http.record("GET", route, 200, null, nanos);
    }
  }

  @Benchmark
  public void counter() {
    switch (impl) {
      case "micrometer" -> counter.increment();
      case "micrometer-builder" ->
          Counter.builder("bench.requests").tag("tenant", tenant).register(registry).increment();
      default -> keyed.increment(tenant);
    }
  }
}
