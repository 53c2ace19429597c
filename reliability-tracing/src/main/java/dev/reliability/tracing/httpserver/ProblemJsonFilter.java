package dev.reliability.tracing.httpserver;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.tracing.internal.ProblemResponses;
import dev.reliability.tracing.internal.ProblemResponses.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Global error handling for the JDK's {@code HttpServer}: any exception escaping the handler
 * becomes the foundation's {@code application/problem+json} response (built by {@link
 * ProblemDetailFactory}, with the request ID), is logged once with its stack trace (logger {@value
 * ProblemResponses#ERROR_LOGGER}; ERROR for 5xx, WARN for 4xx), is recorded on the current span,
 * and its error code is stored in the exchange attribute {@link
 * dev.reliability.core.problem.ProblemDetail#ERROR_CODE_ATTRIBUTE}.
 *
 * <p>If the handler had already sent the response headers, only the logging, the span and the
 * attribute happen, and the exchange is closed. Put it after {@link RequestContextFilter}.
 *
 * <p>Thread-safe; one instance serves every request.
 */
public final class ProblemJsonFilter extends Filter {

  private final ProblemDetailFactory factory;

  private ProblemJsonFilter(ProblemDetailFactory factory) {
    this.factory = factory;
  }

  /**
   * Creates the filter with {@link ProblemDetailFactory#ofDefaults()}.
   *
   * @return the filter
   */
  public static ProblemJsonFilter create() {
    return new ProblemJsonFilter(ProblemDetailFactory.ofDefaults());
  }

  /**
   * Creates the filter.
   *
   * @param factory turns exceptions into problem details
   * @return the filter
   */
  public static ProblemJsonFilter create(ProblemDetailFactory factory) {
    return new ProblemJsonFilter(Checks.notNull("factory", factory));
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    try {
      chain.doFilter(exchange);
    } catch (Exception e) {
      Outcome outcome =
          ProblemResponses.handle(
              factory,
              e,
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getResponseCode() == -1);
      exchange.setAttribute(
          dev.reliability.core.problem.ProblemDetail.ERROR_CODE_ATTRIBUTE,
          outcome.problem().errorCode());
      try {
        if (exchange.getResponseCode() == -1) {
          byte[] body = outcome.problem().toJson().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", ProblemResponses.CONTENT_TYPE);
          outcome
              .problem()
              .retryAfterHeader()
              .ifPresent(v -> exchange.getResponseHeaders().set("Retry-After", v));
          exchange.sendResponseHeaders(outcome.problem().status(), body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      } finally {
        exchange.close();
      }
    }
  }

  @Override
  public String description() {
    return "Turns escaping exceptions into application/problem+json";
  }
}
