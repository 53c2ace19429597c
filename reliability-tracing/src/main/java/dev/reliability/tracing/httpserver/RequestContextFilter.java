package dev.reliability.tracing.httpserver;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.tracing.RequestTracing;
import dev.reliability.tracing.TracingHeaders;
import dev.reliability.tracing.internal.ServerObservation;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.io.IOException;

/**
 * The request-context filter for the JDK's {@code com.sun.net.httpserver.HttpServer}: accepts or
 * mints the request ID, returns it in {@value TracingHeaders#REQUEST_ID}, binds the request context
 * (with the caller's deadline from {@link RequestTracing#deadlineHeader()}, and, with tracing on, a
 * server span) for the handler, and writes one access-log line. See {@link RequestTracing} for the
 * details and defaults.
 *
 * <p>Add it first, with {@link ProblemJsonFilter} after it, so the access line and span see the
 * error code and the problem response carries the request ID:
 *
 * <pre>{@code
 * HttpContext context = server.createContext("/api", handler);
 * context.getFilters().add(RequestContextFilter.create(requestTracing));
 * context.getFilters().add(ProblemJsonFilter.create());
 * }</pre>
 *
 * <p>Filters added after this one see an exchange whose attributes are its own: the JDK shares
 * {@code HttpExchange} attributes among all exchanges of an {@code HttpContext}, which would let
 * one request read another's {@link ProblemDetail#ERROR_CODE_ATTRIBUTE}. After the chain returns,
 * this filter copies the error code (or its absence) to the original exchange for filters before
 * it; those must read it right after {@code chain.doFilter} returns, and even so may race with a
 * concurrent request on the same context, so put a metrics filter after this one.
 *
 * <p>Thread-safe; one instance serves every request.
 */
public final class RequestContextFilter extends Filter {

  private static final TextMapGetter<Headers> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Headers carrier, String key) {
          return carrier == null ? null : carrier.getFirst(key);
        }
      };

  private final RequestTracing config;

  private RequestContextFilter(RequestTracing config) {
    this.config = config;
  }

  /**
   * Creates the filter with {@link RequestTracing#ofDefaults()}: no tracing, access log on.
   *
   * @return the filter
   */
  public static RequestContextFilter create() {
    return new RequestContextFilter(RequestTracing.ofDefaults());
  }

  /**
   * Creates the filter.
   *
   * @param config what to do per request
   * @return the filter
   */
  public static RequestContextFilter create(RequestTracing config) {
    return new RequestContextFilter(Checks.notNull("config", config));
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    Headers request = exchange.getRequestHeaders();
    ServerObservation observation =
        ServerObservation.start(
            config,
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath(),
            exchange.getHttpContext().getPath(),
            request.getFirst(TracingHeaders.REQUEST_ID),
            config.deadlineHeader().enabled()
                ? request.getFirst(config.deadlineHeader().name())
                : null,
            request,
            HEADERS);
    exchange.getResponseHeaders().set(TracingHeaders.REQUEST_ID, observation.requestId());
    ExchangeWithOwnAttributes own = new ExchangeWithOwnAttributes(exchange);
    Throwable failure = null;
    try {
      chain.doFilter(own);
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      Object code = own.ownAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE);
      String errorCode = code == null ? null : code.toString();
      if (errorCode != null) {
        exchange.setAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE, errorCode);
      } else {
        exchange.getHttpContext().getAttributes().remove(ProblemDetail.ERROR_CODE_ATTRIBUTE);
      }
      int status = exchange.getResponseCode();
      observation.end(status > 0 ? status : 500, errorCode, failure);
    }
  }

  @Override
  public String description() {
    return "Accepts or mints " + TracingHeaders.REQUEST_ID + ", binds the request context";
  }
}
