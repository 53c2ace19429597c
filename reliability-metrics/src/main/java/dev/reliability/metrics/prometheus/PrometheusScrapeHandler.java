package dev.reliability.metrics.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.reliability.core.internal.Checks;
import dev.reliability.metrics.internal.Scrape;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a Prometheus registry to scrapers from a JDK {@code HttpServer}: the Prometheus text
 * format 0.0.4, or OpenMetrics 1.0.0 when the {@code Accept} header ranks it higher (Prometheus
 * itself does), gzip when accepted, and only the families named by {@code name[]} query parameters
 * when there are any. GET and HEAD only; other methods get 405.
 *
 * <pre>{@code
 * server.createContext("/metrics", PrometheusScrapeHandler.of(prometheusRegistry));
 * }</pre>
 *
 * <p>Micrometer's Prometheus registry writes the exposition; this class does the HTTP part.
 * Thread-safe.
 */
public final class PrometheusScrapeHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(PrometheusScrapeHandler.class);

  private final PrometheusMeterRegistry registry;

  private PrometheusScrapeHandler(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Creates a handler.
   *
   * @param registry the registry to serve
   * @return the handler
   * @throws NullPointerException if {@code registry} is null
   */
  public static PrometheusScrapeHandler of(PrometheusMeterRegistry registry) {
    return new PrometheusScrapeHandler(Checks.notNull("registry", registry));
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean head = "HEAD".equals(method);
      if (!head && !"GET".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      Scrape.Response response;
      try {
        response =
            Scrape.render(
                registry,
                exchange.getRequestHeaders().getFirst("Accept"),
                exchange.getRequestHeaders().getFirst("Accept-Encoding"),
                names(exchange.getRequestURI().getRawQuery()));
      } catch (IOException | RuntimeException e) {
        log.warn("Prometheus scrape failed", e);
        byte[] body = "scrape failed\n".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(500, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      exchange.getResponseHeaders().set("Vary", "Accept, Accept-Encoding");
      if (response.gzipped()) {
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
      }
      if (head) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, response.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    }
  }

  static Set<String> names(String rawQuery) {
    Set<String> names = new LinkedHashSet<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return names;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = decode(pair.substring(0, eq));
      if (key.equals("name[]")) {
        names.add(decode(pair.substring(eq + 1)));
      }
    }
    return names;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
