package dev.reliability.benchmarks.context;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.tracing.RequestTracing;
import dev.reliability.tracing.ServiceTracing;
import dev.reliability.tracing.TracingHeaders;
import dev.reliability.tracing.httpserver.RequestContextFilter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Per-request overhead of {@link RequestContextFilter} around an empty handler, without sockets:
 * the exchange is an in-memory fake, so the figure is the filter's own cost.
 *
 * <p>{@code mode}: {@code none} calls the handler directly (the baseline); {@code context} is the
 * filter with tracing off (ID accepted, context bound, header set, access line); {@code
 * traced-unsampled} adds a server span that the 10% head sampler drops but records (error traces
 * kept); {@code traced-sampled} samples every span into an exporter that discards it. The access
 * log goes to Logback with the {@code dev.reliability.tracing.access} logger switched off, so the
 * cost of writing the line is not included (see {@code JsonLogLineBenchmark} for that).
 *
 * <p>Run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * ServerFilterBenchmark -prof gc -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ServerFilterBenchmark {

  @Param({"none", "context", "traced-unsampled", "traced-sampled"})
  public String mode;

  private final HttpHandler handler =
      ex -> {
        ex.sendResponseHeaders(204, -1);
        ex.close();
      };
  private ServiceTracing tracing;
  private List<Filter> filters;

  @Setup(Level.Trial)
  public void setUp() {
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(RequestTracing.ACCESS_LOGGER))
        .setLevel(ch.qos.logback.classic.Level.OFF);
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    switch (mode) {
      case "none":
        tracing = ServiceTracing.disabled();
        filters = List.of();
        return;
      case "context":
        tracing = ServiceTracing.disabled();
        break;
      default:
        tracing =
            ServiceTracing.builder()
                .enabled(true)
                .sampleRatio(mode.equals("traced-sampled") ? 1.0 : 0.1)
                .spanExporter(new DiscardingExporter())
                .build();
    }
    filters =
        List.of(RequestContextFilter.create(RequestTracing.builder().tracing(tracing).build()));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    tracing.close();
  }

  @Benchmark
  public int request() throws IOException {
    FakeExchange exchange = new FakeExchange();
    // A chain walks its filters once: one per request, as the server does.
    new Filter.Chain(filters, handler).doFilter(exchange);
    return exchange.getResponseCode();
  }

  /** Drops every span. */
  static final class DiscardingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** An exchange for GET /api/orders with an incoming request ID; the response goes nowhere. */
  static final class FakeExchange extends HttpExchange {
    private static final URI URI_ = URI.create("/api/orders/42");
    private static final FakeContext CONTEXT = new FakeContext();
    private final Headers request = new Headers();
    private final Headers response = new Headers();
    private int status = -1;

    FakeExchange() {
      request.set(TracingHeaders.REQUEST_ID, "550e8400-e29b-41d4-a716-446655440000");
    }

    @Override
    public Headers getRequestHeaders() {
      return request;
    }

    @Override
    public Headers getResponseHeaders() {
      return response;
    }

    @Override
    public URI getRequestURI() {
      return URI_;
    }

    @Override
    public String getRequestMethod() {
      return "GET";
    }

    @Override
    public HttpContext getHttpContext() {
      return CONTEXT;
    }

    @Override
    public void close() {}

    @Override
    public InputStream getRequestBody() {
      return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public OutputStream getResponseBody() {
      return new ByteArrayOutputStream();
    }

    @Override
    public void sendResponseHeaders(int rCode, long responseLength) {
      status = rCode;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
      return null;
    }

    @Override
    public int getResponseCode() {
      return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
      return null;
    }

    @Override
    public String getProtocol() {
      return "HTTP/1.1";
    }

    @Override
    public Object getAttribute(String name) {
      return null;
    }

    @Override
    public void setAttribute(String name, Object value) {}

    @Override
    public void setStreams(InputStream i, OutputStream o) {}

    @Override
    public HttpPrincipal getPrincipal() {
      return null;
    }
  }

  /** A context at /api. */
  static final class FakeContext extends HttpContext {
    private final Map<String, Object> attributes = new HashMap<>();

    @Override
    public HttpHandler getHandler() {
      return null;
    }

    @Override
    public void setHandler(HttpHandler h) {}

    @Override
    public String getPath() {
      return "/api";
    }

    @Override
    public HttpServer getServer() {
      return null;
    }

    @Override
    public Map<String, Object> getAttributes() {
      return attributes;
    }

    @Override
    public List<Filter> getFilters() {
      return List.of();
    }

    @Override
    public Authenticator setAuthenticator(Authenticator auth) {
      return null;
    }

    @Override
    public Authenticator getAuthenticator() {
      return null;
    }
  }
}
