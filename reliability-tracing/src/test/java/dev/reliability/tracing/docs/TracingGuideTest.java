package dev.reliability.tracing.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.context.ContextHygiene;
import dev.reliability.core.context.ContextPropagation;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.context.RequestIdSanitizer;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.tracing.RequestTracing;
import dev.reliability.tracing.ServiceTracing;
import dev.reliability.tracing.httpserver.ProblemJsonFilter;
import dev.reliability.tracing.httpserver.RequestContextFilter;
import dev.reliability.tracing.servlet.ProblemJsonServletFilter;
import dev.reliability.tracing.servlet.RequestContextServletFilter;
import jakarta.servlet.DispatcherType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The code shown in docs/tracing.md; the docs check asserts the text matches. */
class TracingGuideTest {

  private static final Logger log = LoggerFactory.getLogger(TracingGuideTest.class);

  private static String load() {
    return RequestContext.currentRequestId();
  }

  private static String enrich(String v) {
    return v + "/" + MDC.get("request_id");
  }

  @Test
  void bindingAContext() {
    String seen;
    // docs/tracing.md: binding
    RequestContext context = RequestContext.builder("req-42").userId("u-7").build();
    try (ContextScope scope = context.bind()) {
      log.info("handling order"); // MDC: request_id=req-42, user_id=u-7
      seen = RequestContext.currentRequestId();
    }
    assertThat(seen).isEqualTo("req-42");
    assertThat(RequestContext.current()).isEmpty();
  }

  @Test
  void crossingThreads() throws Exception {
    ExecutorService raw = Executors.newFixedThreadPool(4);
    // docs/tracing.md: executors
    ExecutorService pool = ContextPropagation.wrap(raw);

    CompletableFuture<String> result;
    try (ContextScope scope = RequestContext.of("req-7").bind()) {
      // docs/tracing.md: CompletableFuture
      result =
          CompletableFuture.supplyAsync(() -> load(), pool)
              .thenApplyAsync(ContextPropagation.wrapFunction(v -> enrich(v)), pool);
    }
    assertThat(result.get()).isEqualTo("req-7/req-7");

    // docs/tracing.md: hygiene
    ContextHygiene.assertPoolClean(raw, 4, Duration.ofSeconds(5));
    raw.shutdownNow();
  }

  @Test
  void sanitizingIds() {
    // docs/tracing.md: sanitizer
    RequestIdSanitizer sanitizer =
        RequestIdSanitizer.builder().maxLength(64).configSource(ConfigSource.standard()).build();
    String id = sanitizer.sanitize("abc\r\nforged");
    long rejected = sanitizer.rejectedCount(RequestIdSanitizer.Rejection.LINE_BREAK);

    assertThat(id).hasSize(16);
    assertThat(rejected).isEqualTo(1);
  }

  @Test
  void settingUpTracingAndTheJdkServer() throws Exception {
    HttpHandler handler = exchange -> exchange.sendResponseHeaders(204, -1);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // docs/tracing.md: set-up
    ServiceTracing tracing =
        ServiceTracing.builder()
            .serviceName("orders")
            .environment("production")
            .configSource(ConfigSource.standard().withAliases(ServiceTracing.LEGACY_ALIASES))
            .build();
    RequestTracing requestTracing = RequestTracing.builder().tracing(tracing).build();

    // docs/tracing.md: JDK HttpServer
    HttpContext context = server.createContext("/orders", handler);
    context.getFilters().add(RequestContextFilter.create(requestTracing));
    context.getFilters().add(ProblemJsonFilter.create(ProblemDetailFactory.ofDefaults()));

    assertThat(context.getFilters()).hasSize(2);
    assertThat(requestTracing.tracing()).isSameAs(tracing);
    tracing.close();
  }

  @Test
  void servletFilters() {
    RequestTracing requestTracing = RequestTracing.ofDefaults();
    ServletContextHandler handler = new ServletContextHandler();
    // docs/tracing.md: servlet
    handler.addFilter(
        new FilterHolder(new RequestContextServletFilter(requestTracing)),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    handler.addFilter(
        new FilterHolder(new ProblemJsonServletFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));

    assertThat(handler.getServletHandler().getFilters()).hasSize(2);
  }

  @Test
  void keepingErrorTracesOff() {
    // docs/tracing.md: sampling
    ServiceTracing tracing =
        ServiceTracing.builder()
            .enabled(true)
            .sampleRatio(1.0) // head-sample everything; keep errors in the Collector instead
            .keepErrorTraces(false)
            .otelEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none"))
            .build();

    assertThat(tracing.keepsErrorTraces()).isFalse();
    tracing.close();
  }
}
