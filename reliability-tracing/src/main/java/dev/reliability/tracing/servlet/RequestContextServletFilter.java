package dev.reliability.tracing.servlet;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.tracing.RequestTracing;
import dev.reliability.tracing.TracingHeaders;
import dev.reliability.tracing.internal.ServerObservation;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;

/**
 * The request-context filter for Jakarta Servlet 6 containers (Jetty, Tomcat, Undertow): accepts or
 * mints the request ID, returns it in {@value TracingHeaders#REQUEST_ID}, binds the request context
 * (with the caller's deadline from {@link RequestTracing#deadlineHeader()}, and, with tracing on, a
 * server span named after the servlet mapping) for the servlet, and writes one access-log line. See
 * {@link RequestTracing} for the details and defaults.
 *
 * <p>Map it first for all requests, with {@link ProblemJsonServletFilter} after it:
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(new RequestContextServletFilter(requestTracing)), "/*",
 *     EnumSet.of(DispatcherType.REQUEST));
 * context.addFilter(new FilterHolder(new ProblemJsonServletFilter()), "/*",
 *     EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 *
 * <p>The request is observed until the filter chain returns: a servlet that goes asynchronous
 * ({@code startAsync}) is logged and its span ended when it returns, not when the async work
 * completes. Non-HTTP requests pass through untouched. Thread-safe; one instance serves every
 * request.
 */
public final class RequestContextServletFilter implements Filter {

  private static final TextMapGetter<HttpServletRequest> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServletRequest carrier) {
          return Collections.list(carrier.getHeaderNames());
        }

        @Override
        public String get(HttpServletRequest carrier, String key) {
          return carrier == null ? null : carrier.getHeader(key);
        }
      };

  private final RequestTracing config;

  /** Creates the filter with {@link RequestTracing#ofDefaults()}, for {@code web.xml}. */
  public RequestContextServletFilter() {
    this(RequestTracing.ofDefaults());
  }

  /**
   * Creates the filter.
   *
   * @param config what to do per request
   */
  public RequestContextServletFilter(RequestTracing config) {
    this.config = Checks.notNull("config", config);
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    ServerObservation observation =
        ServerObservation.start(
            config,
            request.getMethod(),
            request.getRequestURI(),
            route(request),
            request.getHeader(TracingHeaders.REQUEST_ID),
            config.deadlineHeader().enabled()
                ? request.getHeader(config.deadlineHeader().name())
                : null,
            request,
            HEADERS);
    response.setHeader(TracingHeaders.REQUEST_ID, observation.requestId());
    Throwable failure = null;
    try {
      chain.doFilter(request, response);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      Object code = request.getAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE);
      int status = failure != null && !response.isCommitted() ? 500 : response.getStatus();
      observation.end(status, code == null ? null : code.toString(), failure);
    }
  }

  private static String route(HttpServletRequest request) {
    HttpServletMapping mapping = request.getHttpServletMapping();
    String pattern = mapping == null ? null : mapping.getPattern();
    return pattern == null || pattern.isEmpty() ? null : pattern;
  }
}
