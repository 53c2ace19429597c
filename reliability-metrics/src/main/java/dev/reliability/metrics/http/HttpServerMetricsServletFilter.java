package dev.reliability.metrics.http;

import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.problem.ProblemDetail;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A Jakarta Servlet filter that records {@link HttpServerMetrics} for every HTTP request. Needs the
 * optional {@code jakarta.servlet:jakarta.servlet-api} (6.0 or later) on the class path.
 *
 * <p>Map it before the error-handling filter so that the error code stored in the request attribute
 * {@link ProblemDetail#ERROR_CODE_ATTRIBUTE} is visible when the chain returns. Asynchronous
 * requests are recorded when they complete. The route defaults to the servlet mapping's pattern
 * ({@code /api/*}), which is bounded by the deployment; a request that escapes with an exception
 * before the response is committed is recorded as 500 with the failure's classified error code.
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(HttpServerMetricsServletFilter.create(metrics)), "/*", null);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class HttpServerMetricsServletFilter implements Filter {

  private final HttpServerMetrics metrics;
  private final Function<HttpServletRequest, String> routeResolver;
  private final ErrorClassifier classifier;

  private HttpServerMetricsServletFilter(Builder b) {
    this.metrics = b.metrics;
    this.routeResolver = b.routeResolver;
    this.classifier = b.classifier;
  }

  /**
   * Creates a filter with the default route resolver and error classifier.
   *
   * @param metrics where requests are recorded
   * @return the filter
   * @throws NullPointerException if {@code metrics} is null
   */
  public static HttpServerMetricsServletFilter create(HttpServerMetrics metrics) {
    return builder(metrics).build();
  }

  /**
   * Starts a builder.
   *
   * @param metrics where requests are recorded
   * @return a builder
   * @throws NullPointerException if {@code metrics} is null
   */
  public static Builder builder(HttpServerMetrics metrics) {
    return new Builder(Checks.notNull("metrics", metrics));
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    long start = metrics.start();
    Throwable failure = null;
    try {
      chain.doFilter(request, response);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      if (failure == null && request.isAsyncStarted()) {
        request.getAsyncContext().addListener(new Completion(start, request, response));
      } else {
        finish(start, request, response, failure);
      }
    }
  }

  private void finish(
      long start, HttpServletRequest request, HttpServletResponse response, Throwable failure) {
    int status = response.getStatus();
    if (failure != null && !response.isCommitted()) {
      status = 500;
    }
    String code =
        status >= 400
            ? ErrorCodes.of(
                request.getAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE), failure, classifier)
            : null;
    metrics.stop(start, request.getMethod(), route(request), status, code);
  }

  private String route(HttpServletRequest request) {
    try {
      return routeResolver.apply(request);
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  static String mappingPattern(HttpServletRequest request) {
    HttpServletMapping mapping = request.getHttpServletMapping();
    String pattern = mapping == null ? null : mapping.getPattern();
    return pattern == null || pattern.isEmpty() ? "/" : pattern;
  }

  private final class Completion implements AsyncListener {
    private final long start;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final AtomicBoolean done = new AtomicBoolean();

    Completion(long start, HttpServletRequest request, HttpServletResponse response) {
      this.start = start;
      this.request = request;
      this.response = response;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      once(null);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      // The container completes the request after the timeout handling; onComplete records it.
    }

    @Override
    public void onError(AsyncEvent event) {
      once(event.getThrowable());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }

    private void once(Throwable failure) {
      if (done.compareAndSet(false, true)) {
        finish(start, request, response, failure);
      }
    }
  }

  /** Builds an {@link HttpServerMetricsServletFilter}. Not thread-safe. */
  public static final class Builder {
    private final HttpServerMetrics metrics;
    private Function<HttpServletRequest, String> routeResolver =
        HttpServerMetricsServletFilter::mappingPattern;
    private ErrorClassifier classifier = ErrorClassifier.defaults();

    private Builder(HttpServerMetrics metrics) {
      this.metrics = metrics;
    }

    /**
     * Sets how the route tag is derived. It must return a bounded set of templates; a resolver that
     * throws yields {@code unknown}. Default: the servlet mapping's pattern.
     *
     * @param routeResolver the resolver
     * @return this builder
     */
    public Builder routeResolver(Function<HttpServletRequest, String> routeResolver) {
      this.routeResolver = Checks.notNull("routeResolver", routeResolver);
      return this;
    }

    /**
     * Sets the classifier for failures that escape the chain. Default {@link
     * ErrorClassifier#defaults()}.
     *
     * @param classifier the classifier
     * @return this builder
     */
    public Builder errorClassifier(ErrorClassifier classifier) {
      this.classifier = Checks.notNull("classifier", classifier);
      return this;
    }

    /**
     * Builds the filter.
     *
     * @return the filter
     */
    public HttpServerMetricsServletFilter build() {
      return new HttpServerMetricsServletFilter(this);
    }
  }
}
