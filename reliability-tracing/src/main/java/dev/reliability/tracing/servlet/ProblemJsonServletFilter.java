package dev.reliability.tracing.servlet;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.tracing.internal.ProblemResponses;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Global error handling for Jakarta Servlet containers: any exception escaping the servlet becomes
 * the foundation's {@code application/problem+json} response (built by {@link
 * ProblemDetailFactory}, with the request ID), is logged once with its stack trace (logger {@value
 * ProblemResponses#ERROR_LOGGER}; ERROR for 5xx, WARN for 4xx), is recorded on the current span,
 * and its error code is stored in the request attribute {@link ProblemDetail#ERROR_CODE_ATTRIBUTE}.
 * A {@code ServletException} is unwrapped to its root cause before classification.
 *
 * <p>If the response was already committed, only the logging, the span and the attribute happen.
 * Headers set earlier (such as the request ID) are kept. Map it after {@link
 * RequestContextServletFilter}. Thread-safe; one instance serves every request.
 */
public final class ProblemJsonServletFilter implements Filter {

  private final ProblemDetailFactory factory;

  /** Creates the filter with {@link ProblemDetailFactory#ofDefaults()}, for {@code web.xml}. */
  public ProblemJsonServletFilter() {
    this(ProblemDetailFactory.ofDefaults());
  }

  /**
   * Creates the filter.
   *
   * @param factory turns exceptions into problem details
   */
  public ProblemJsonServletFilter(ProblemDetailFactory factory) {
    this.factory = Checks.notNull("factory", factory);
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    try {
      chain.doFilter(request, response);
    } catch (ServletException e) {
      Throwable root = e.getRootCause() != null ? e.getRootCause() : e;
      respond(request, response, root);
    } catch (IOException | RuntimeException e) {
      respond(request, response, e);
    }
  }

  private void respond(HttpServletRequest request, HttpServletResponse response, Throwable failure)
      throws IOException {
    boolean canRespond = !response.isCommitted();
    ProblemResponses.Outcome outcome =
        ProblemResponses.handle(
            factory, failure, request.getMethod(), request.getRequestURI(), canRespond);
    ProblemDetail problem = outcome.problem();
    request.setAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE, problem.errorCode());
    if (!canRespond) {
      return;
    }
    response.resetBuffer();
    response.setStatus(problem.status());
    response.setContentType(ProblemResponses.CONTENT_TYPE);
    problem.retryAfterHeader().ifPresent(v -> response.setHeader("Retry-After", v));
    byte[] body = problem.toJson().getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
    response.flushBuffer();
  }
}
