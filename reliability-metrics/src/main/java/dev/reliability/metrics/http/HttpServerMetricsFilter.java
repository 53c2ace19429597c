package dev.reliability.metrics.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.problem.ProblemDetail;
import java.io.IOException;
import java.util.function.Function;

/**
 * A JDK {@code HttpServer} filter that records {@link HttpServerMetrics} for every exchange.
 *
 * <p>Add it outside the error handler so that the error code the handler stored in the exchange
 * attribute {@link ProblemDetail#ERROR_CODE_ATTRIBUTE} is visible when the chain returns. With the
 * tracing module's request-context filter, add it after that filter (inside it): the JDK keeps an
 * exchange's attributes in its {@code HttpContext}, shared by the context's concurrent requests,
 * and only inside the request-context filter does each request see attributes of its own; outside
 * it, one request's error code can be read by another request on the same context.
 *
 * <pre>{@code
 * HttpServerMetrics metrics = HttpServerMetrics.ofDefaults(registry);
 * HttpContext context = server.createContext("/orders", handler);
 * context.getFilters().add(HttpServerMetricsFilter.create(metrics));
 * }</pre>
 *
 * <p>The route defaults to the context path (bounded by construction); pass a {@linkplain
 * Builder#routeResolver resolver} for finer templates. The status is the one sent; a handler that
 * throws before sending is recorded as 500 with the classified error code of the failure, which is
 * rethrown. Thread-safe.
 */
public final class HttpServerMetricsFilter extends Filter {

  private final HttpServerMetrics metrics;
  private final Function<HttpExchange, String> routeResolver;
  private final ErrorClassifier classifier;

  private HttpServerMetricsFilter(Builder b) {
    this.metrics = b.metrics;
    this.routeResolver = b.routeResolver;
    this.classifier = b.classifier;
  }

  /**
   * Creates a filter with the default route resolver (the context path) and error classifier.
   *
   * @param metrics where requests are recorded
   * @return the filter
   * @throws NullPointerException if {@code metrics} is null
   */
  public static HttpServerMetricsFilter create(HttpServerMetrics metrics) {
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
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    long start = metrics.start();
    Throwable failure = null;
    try {
      chain.doFilter(exchange);
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      int status = exchange.getResponseCode();
      if (status < 0 && failure != null) {
        status = 500;
      }
      String code =
          status >= 400
              ? ErrorCodes.of(
                  exchange.getAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE), failure, classifier)
              : null;
      metrics.stop(start, exchange.getRequestMethod(), route(exchange), status, code);
    }
  }

  private String route(HttpExchange exchange) {
    try {
      return routeResolver.apply(exchange);
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  @Override
  public String description() {
    return "Records reliability.http.server.* metrics";
  }

  /** Builds an {@link HttpServerMetricsFilter}. Not thread-safe. */
  public static final class Builder {
    private final HttpServerMetrics metrics;
    private Function<HttpExchange, String> routeResolver = e -> e.getHttpContext().getPath();
    private ErrorClassifier classifier = ErrorClassifier.defaults();

    private Builder(HttpServerMetrics metrics) {
      this.metrics = metrics;
    }

    /**
     * Sets how the route tag is derived. It must return a bounded set of templates, never raw paths
     * with identifiers; a resolver that throws yields {@code unknown}. Default: the context path.
     *
     * @param routeResolver the resolver
     * @return this builder
     */
    public Builder routeResolver(Function<HttpExchange, String> routeResolver) {
      this.routeResolver = Checks.notNull("routeResolver", routeResolver);
      return this;
    }

    /**
     * Sets the classifier for failures that escape the handler. Default {@link
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
    public HttpServerMetricsFilter build() {
      return new HttpServerMetricsFilter(this);
    }
  }
}
