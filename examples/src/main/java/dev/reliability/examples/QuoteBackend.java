package dev.reliability.examples;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.context.Deadline;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.ChaosConfig;
import dev.reliability.core.policy.ChaosSwitch;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.examples.support.Chaos;
import dev.reliability.tracing.RequestTracing;
import dev.reliability.tracing.httpserver.ProblemJsonFilter;
import dev.reliability.tracing.httpserver.RequestContextFilter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downstream dependency of the example: a small quote service on its own loopback port, built
 * on the JDK {@code HttpServer} with the library's request-context and problem+json filters, so its
 * JSON log lines carry the caller's request ID. Its faults are set through {@code POST
 * /admin/chaos} (which the example's own {@code /admin/chaos} forwards to) and injected by the
 * library's chaos strategies: every quote is answered through the policy {@value #CHAOS_POLICY},
 * whose {@link ChaosSwitch} the endpoint turns, so injections are marked in the logs ({@code
 * event=chaos_injected}) and in {@code reliability.chaos.injections}.
 *
 * <ul>
 *   <li>{@code GET /quote?symbol=ACME}: after the injected latency, fails with 503 (problem+json,
 *       {@code SERVICE_UNAVAILABLE}) for the injected share of calls, else 200 with a quote.
 *   <li>{@code POST /admin/chaos?failureRate=F&latencyMs=L}: sets the faults; a missing parameter
 *       keeps its value.
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} stops the server.
 */
final class QuoteBackend implements AutoCloseable {

  /** The name of this dependency in errors, logs and the policy. */
  static final String SERVICE = "quote-backend";

  /** The policy whose chaos strategies inject the backend's faults. */
  static final String CHAOS_POLICY = "quote-backend-chaos";

  private static final Logger log = LoggerFactory.getLogger(QuoteBackend.class);
  private static final Pattern SYMBOL = Pattern.compile("[A-Z]{1,8}");

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * Answers quotes: no component but the chaos strategies, switched by {@code /admin/chaos}: the
   * latency (on every call while set) first, then a 503 for the failure rate's share of calls.
   */
  private final Policy policy =
      Policy.builder(CHAOS_POLICY)
          .chaos(
              ChaosConfig.builder()
                  .fault(
                      () ->
                          new ServiceUnavailableException(
                              SERVICE,
                              "injected failure (failure rate " + chaosSwitch().faultRate() + ")"),
                      0)
                  .latency(Duration.ZERO, 0)
                  .build())
          .build();

  private QuoteBackend(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  private ChaosSwitch chaosSwitch() {
    return policy.chaos().orElseThrow();
  }

  /**
   * Returns the policy that answers quotes and injects the faults, for its meters.
   *
   * @return the policy
   */
  Policy policy() {
    return policy;
  }

  /**
   * Starts the backend on an ephemeral loopback port.
   *
   * @param tracing request-ID handling and access log
   * @param problems error responses
   * @return the running backend
   * @throws IOException if the port cannot be bound
   */
  static QuoteBackend start(RequestTracing tracing, ProblemDetailFactory problems)
      throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AtomicInteger threads = new AtomicInteger();
    // Unbounded on purpose: the example's bulkhead bounds the calls that reach the backend.
    ExecutorService executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "quote-backend-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    QuoteBackend backend = new QuoteBackend(server, executor);
    mount(server, "/quote", backend::quote, tracing, problems);
    mount(server, "/admin/chaos", backend::chaos, tracing, problems);
    mount(server, "/", HttpErrors::handle, tracing, problems);
    server.start();
    log.info(
        "quote backend listening on 127.0.0.1:{}",
        server.getAddress().getPort(),
        kv("backend_port", server.getAddress().getPort()));
    return backend;
  }

  private static void mount(
      HttpServer server,
      String path,
      HttpHandler handler,
      RequestTracing tracing,
      ProblemDetailFactory problems) {
    HttpContext context = server.createContext(path, handler);
    context.getFilters().add(RequestContextFilter.create(tracing));
    context.getFilters().add(ProblemJsonFilter.create(problems));
  }

  /**
   * Returns the base URI, {@code http://127.0.0.1:<port>}.
   *
   * @return the URI
   */
  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Returns the injected faults.
   *
   * @return the current state
   */
  synchronized Chaos chaos() {
    ChaosSwitch c = chaosSwitch();
    return new Chaos(c.faultRate(), c.latencyRate() > 0 ? c.latency().toMillis() : 0);
  }

  /** Sets the faults on the chaos switch; synchronized so that concurrent changes do not mix. */
  private synchronized Chaos chaos(String failureRate, String latencyMs) {
    Chaos next = Chaos.parse(failureRate, latencyMs, chaos());
    ChaosSwitch c = chaosSwitch();
    c.faultRate(next.failureRate());
    c.latency(Duration.ofMillis(next.latencyMs()));
    c.latencyRate(next.latencyMs() > 0 ? 1.0 : 0.0);
    if (next.equals(Chaos.HEALTHY)) {
      c.disable();
    } else {
      c.enable();
    }
    return next;
  }

  /**
   * Returns the quote requests being answered now.
   *
   * @return the count
   */
  int inFlight() {
    return inFlight.get();
  }

  private void quote(HttpExchange exchange) throws IOException {
    HttpErrors.requireExactPath(exchange, "/quote");
    HttpErrors.requireMethod(exchange, "GET");
    // The caller's deadline, from the X-Request-Timeout-Ms header the request filter read.
    Deadline deadline = RequestContext.currentDeadline();
    if (deadline != null) {
      log.info("quote requested", kv("deadline_ms", deadline.remainingMillis()));
    }
    inFlight.incrementAndGet();
    try {
      policy.call(
          () -> {
            answerQuote(exchange);
            return null;
          });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException(SERVICE, "interrupted while injecting latency", e);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void answerQuote(HttpExchange exchange) throws IOException {
    String symbol = query(exchange).getOrDefault("symbol", "ACME");
    if (!SYMBOL.matcher(symbol).matches()) {
      symbol = "ACME";
    }
    double price =
        100
            + Math.floorMod(symbol.hashCode(), 900)
            + ThreadLocalRandom.current().nextInt(100) / 100.0;
    log.info("quote served", kv("symbol", symbol), kv("price", price));
    String body =
        String.format(
            Locale.ROOT,
            "{\"symbol\":\"%s\",\"price\":%.2f,\"currency\":\"USD\",\"quoted_at\":\"%s\"}",
            symbol,
            price,
            Instant.now());
    reply(exchange, 200, body);
  }

  private void chaos(HttpExchange exchange) throws IOException {
    HttpErrors.requireExactPath(exchange, "/admin/chaos");
    HttpErrors.requireMethod(exchange, "POST");
    Map<String, String> query = query(exchange);
    Chaos next = chaos(query.get("failureRate"), query.get("latencyMs"));
    log.info(
        "chaos set", kv("failure_rate", next.failureRate()), kv("latency_ms", next.latencyMs()));
    reply(exchange, 200, next.toJson());
  }

  static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> values = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      values.putIfAbsent(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return values;
  }

  @Override
  public void close() {
    server.stop(0);
    policy.close();
    executor.shutdownNow();
  }
}
