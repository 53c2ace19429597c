package dev.reliability.benchmarks;

import dev.reliability.core.error.ErrorClassification;
import dev.reliability.core.error.ErrorClassifier;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of classifying an exception: a direct JDK exception and one wrapped in a {@link
 * CompletionException}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ErrorClassifierBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ErrorClassifierBenchmark {

  private final ErrorClassifier classifier = ErrorClassifier.defaults();
  private final Throwable direct = new SocketTimeoutException("read timed out");
  private final Throwable wrapped = new CompletionException(direct);

  @Benchmark
  public ErrorClassification classifyDirect() {
    return classifier.classify(direct);
  }

  @Benchmark
  public ErrorClassification classifyWrapped() {
    return classifier.classify(wrapped);
  }
}
