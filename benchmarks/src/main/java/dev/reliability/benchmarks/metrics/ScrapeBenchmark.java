package dev.reliability.benchmarks.metrics;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.metrics.prometheus.PrometheusScrapeHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to scrape a Prometheus registry holding 10,000 counter series (100 meters with 100 tag
 * values each), in the Prometheus text format and in OpenMetrics: Micrometer's {@code scrape} into
 * memory, and the same through {@link PrometheusScrapeHandler} on a loopback JDK {@code HttpServer}
 * fetched with the JDK {@code HttpClient} (the whole HTTP round trip).
 *
 * <p>Run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * ScrapeBenchmark -prof gc -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScrapeBenchmark {

  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  @Param({"micrometer", "reliability-handler"})
  public String impl;

  @Param({"text", "openmetrics"})
  public String format;

  private PrometheusMeterRegistry registry;
  private HttpServer server;
  private HttpClient client;
  private HttpRequest request;

  @Setup
  public void setUp() throws IOException {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    for (int m = 0; m < 100; m++) {
      for (int v = 0; v < 100; v++) {
        Counter.builder("bench.meter" + m).tag("key", "value" + v).register(registry).increment(v);
      }
    }
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/metrics", PrometheusScrapeHandler.of(registry));
    server.start();
    client = HttpClient.newHttpClient();
    request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics"))
            .header("Accept", format.equals("text") ? "text/plain" : "application/openmetrics-text")
            .build();
  }

  @TearDown
  public void tearDown() {
    server.stop(0);
  }

  @Benchmark
  public int scrape() throws Exception {
    if (impl.equals("micrometer")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
      registry.scrape(out, format.equals("text") ? TEXT : OPENMETRICS);
      return out.size();
    }
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray()).body().length;
  }
}
