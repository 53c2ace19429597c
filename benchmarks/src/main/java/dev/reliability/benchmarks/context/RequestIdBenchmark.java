package dev.reliability.benchmarks.context;

import dev.reliability.core.context.RequestIdSanitizer;
import dev.reliability.core.context.RequestIds;
import java.util.UUID;
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

/**
 * Cost of minting a request ID and of checking an incoming one.
 *
 * <p>{@code impl} for {@code mint}: {@code reliability} is {@link RequestIds#mint()} (16
 * alphanumeric characters); {@code uuid} is {@code UUID.randomUUID().toString()} (seed 002); {@code
 * uuid-hex12} is {@code "req_" + } the first 12 hex digits of a random UUID (seed 001). {@code
 * sanitizeValid} checks a 36-character UUID that is kept.
 *
 * <p>Run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * RequestIdBenchmark -prof gc -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestIdBenchmark {

  @Param({"reliability", "uuid", "uuid-hex12"})
  public String impl;

  private final RequestIdSanitizer sanitizer = RequestIdSanitizer.ofDefaults();
  private final String incoming = "550e8400-e29b-41d4-a716-446655440000";

  @Benchmark
  public String mint() {
    switch (impl) {
      case "reliability":
        return RequestIds.mint();
      case "uuid":
        return UUID.randomUUID().toString();
      default:
        return "req_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
  }

  @Benchmark
  public String sanitizeValid() {
    return sanitizer.sanitize(incoming);
  }
}
