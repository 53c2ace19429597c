package dev.reliability.core.shedding.httpserver;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.core.shedding.LoadShedder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A JDK {@code HttpServer} filter that sheds requests over the {@link LoadShedder}'s adaptive
 * limit: a shed request is answered {@code 503} with an {@code application/problem+json} body, a
 * {@code Retry-After} header and the request ID, and never reaches the handler. Exempt paths (the
 * health probes by default) pass without a permit.
 *
 * <pre>{@code
 * LoadShedder shedder = LoadShedder.create(LoadSheddingConfig.ofDefaults());
 * HttpContext api = server.createContext("/api", apiHandler);
 * api.getFilters().add(LoadSheddingFilter.create(shedder));
 * }</pre>
 *
 * <p>Put it on the contexts of the API; the probes' context can do without it (their paths are
 * exempt anyway). With the tracing module's request-context filter, add this one after it, so the
 * 503 carries the request ID the rest of the request would have had. An admitted request is ended
 * when the chain returns: with the status sent, or as a failure if the handler threw (the failure
 * is rethrown). Thread-safe.
 */
public final class LoadSheddingFilter extends Filter {

  private final LoadShedder shedder;

  private LoadSheddingFilter(LoadShedder shedder) {
    this.shedder = shedder;
  }

  /**
   * Creates the filter.
   *
   * @param shedder the shedder, shared with the other contexts of the server that it protects
   * @return the filter
   */
  public static LoadSheddingFilter create(LoadShedder shedder) {
    return new LoadSheddingFilter(Checks.notNull("shedder", shedder));
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    LoadShedder.Ticket ticket =
        shedder.acquire(exchange.getRequestMethod(), path, exchange.getRequestHeaders()::getFirst);
    if (!ticket.admitted()) {
      shed(exchange, ticket, path);
      return;
    }
    if (ticket.exempt()) {
      chain.doFilter(exchange);
      return;
    }
    try {
      chain.doFilter(exchange);
    } catch (IOException | RuntimeException | Error e) {
      ticket.fail(e);
      throw e;
    } finally {
      ticket.complete(exchange.getResponseCode());
    }
  }

  private void shed(HttpExchange exchange, LoadShedder.Ticket ticket, String path)
      throws IOException {
    try (exchange) {
      String requestId = shedder.requestId(exchange.getRequestHeaders()::getFirst);
      ProblemDetail problem = shedder.problem(ticket, requestId, path);
      byte[] body = problem.toJson().getBytes(StandardCharsets.UTF_8);
      exchange.setAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE, problem.errorCode());
      exchange.getResponseHeaders().set("Content-Type", ProblemDetail.MEDIA_TYPE);
      exchange.getResponseHeaders().set("X-Request-ID", requestId);
      problem
          .retryAfterHeader()
          .ifPresent(v -> exchange.getResponseHeaders().set("Retry-After", v));
      boolean head = "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
      exchange.sendResponseHeaders(problem.status(), head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public String description() {
    return "Sheds requests over the adaptive limit with 503 problem+json and Retry-After";
  }
}
