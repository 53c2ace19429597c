package dev.reliability.spring.boot.autoconfigure.web.internal;

import dev.reliability.core.context.RequestContext;
import dev.reliability.tracing.servlet.RequestContextServletFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * The request-ID filter of Spring MVC applications: the tracing module's {@link
 * RequestContextServletFilter} (ID accepted or replaced, {@code X-Request-ID} on the response,
 * request context and MDC bound, deadline read, access line), plus, inside it, the request ID on
 * Spring's server observation (so on Micrometer Tracing's span) and the trace IDs in the MDC.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class RequestIdServletFilter implements Filter {

  private final RequestContextServletFilter delegate;

  /**
   * Creates the filter.
   *
   * @param delegate the tracing module's filter
   */
  public RequestIdServletFilter(RequestContextServletFilter delegate) {
    this.delegate = delegate;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    delegate.doFilter(
        request,
        response,
        (req, res) -> {
          if (req instanceof HttpServletRequest http) {
            ObservedRequest.tag(
                ServerHttpObservationFilter.findObservationContext(http).orElse(null),
                RequestContext.currentRequestId());
          }
          Runnable traceIds = ObservedRequest.putTraceIds();
          try {
            chain.doFilter(req, res);
          } finally {
            traceIds.run();
          }
        });
  }
}
