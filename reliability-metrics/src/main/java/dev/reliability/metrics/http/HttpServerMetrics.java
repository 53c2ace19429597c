package dev.reliability.metrics.http;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.core.time.TimeSource;
import dev.reliability.metrics.CardinalityGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * HTTP server RED metrics (rate, errors, duration), shared by the JDK {@code HttpServer} filter
 * ({@link HttpServerMetricsFilter}) and the Servlet filter ({@link
 * HttpServerMetricsServletFilter}).
 *
 * <p>Meters, all with the registry's common tags:
 *
 * <ul>
 *   <li>{@value #REQUESTS} (timer, Prometheus {@code reliability_http_server_requests_seconds}):
 *       tags {@code method}, {@code route}, {@code status_class} ({@code 2xx} ... {@code 5xx},
 *       {@code unknown}); a histogram whose buckets are the {@linkplain
 *       Builder#serviceLevelObjectives SLO buckets} (default {@link #DEFAULT_BUCKETS}), so
 *       percentiles come from {@code histogram_quantile} and SLO ratios from exact buckets;
 *   <li>{@value #ERRORS} (counter, {@code reliability_http_server_errors_total}): responses with
 *       status 400 or more, tags {@code method}, {@code route}, {@code status_class} and {@code
 *       error_code} (the code an error handler stored in the request attribute {@link
 *       dev.reliability.core.problem.ProblemDetail#ERROR_CODE_ATTRIBUTE}, the classified code of an
 *       escaping exception, or {@code none});
 *   <li>{@value #ACTIVE_REQUESTS} (gauge): requests in progress (saturation).
 * </ul>
 *
 * <p>Methods outside the standard nine become {@code OTHER}; routes and error codes pass through
 * {@link CardinalityGuard}s (defaults: 100 routes, 100 error codes). Micrometer does the recording;
 * this class only picks the meter without allocating once a combination has been seen.
 *
 * <p>Thread-safe. Durations are read from the {@link TimeSource} given to the builder.
 */
public final class HttpServerMetrics {

  /** Timer of every request. */
  public static final String REQUESTS = "reliability.http.server.requests";

  /** Counter of responses with status 400 or more. */
  public static final String ERRORS = "reliability.http.server.errors";

  /** Gauge of requests in progress. */
  public static final String ACTIVE_REQUESTS = "reliability.http.server.active.requests";

  /**
   * The default histogram buckets: 5ms, 10ms, 25ms, 50ms, 100ms, 250ms, 500ms, 1s, 2.5s, 5s, 10s
   * and 30s (the Prometheus client default plus 30s, so that a p99 above 10s is visible).
   */
  public static final List<Duration> DEFAULT_BUCKETS =
      List.of(
          Duration.ofMillis(5),
          Duration.ofMillis(10),
          Duration.ofMillis(25),
          Duration.ofMillis(50),
          Duration.ofMillis(100),
          Duration.ofMillis(250),
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofMillis(2500),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30));

  static final String[] METHODS = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "OTHER"
  };
  static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx", "unknown"};

  private final MeterRegistry registry;
  private final TimeSource timeSource;
  private final Duration[] buckets;
  private final boolean percentileHistogram;
  private final CardinalityGuard routes;
  private final CardinalityGuard errorCodes;
  private final ConcurrentHashMap<String, RouteMeters> byRoute = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  private final LongAdder requestCount = new LongAdder();
  private final LongAdder serverErrorCount = new LongAdder();
  private final LongAdder totalNanos = new LongAdder();

  private HttpServerMetrics(Builder b, MeterRegistry registry) {
    this.registry = registry;
    this.timeSource = b.timeSource;
    this.buckets = b.buckets.toArray(new Duration[0]);
    this.percentileHistogram = b.percentileHistogram;
    this.routes =
        CardinalityGuard.builder(REQUESTS, "route").maxValues(b.maxRoutes).build(registry);
    this.errorCodes =
        CardinalityGuard.builder(ERRORS, "error_code").maxValues(b.maxErrorCodes).build(registry);
    Gauge.builder(ACTIVE_REQUESTS, active, AtomicInteger::get)
        .description("HTTP server requests in progress")
        .register(registry);
  }

  /**
   * Starts a builder with the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates metrics with every default, on the system time source.
   *
   * @param registry where the meters are registered
   * @return the metrics
   * @throws NullPointerException if {@code registry} is null
   */
  public static HttpServerMetrics ofDefaults(MeterRegistry registry) {
    return builder().build(registry);
  }

  /**
   * Marks a request as started. Pair every call with one {@link #stop} call.
   *
   * @return the start time, to pass to {@link #stop}
   */
  public long start() {
    active.incrementAndGet();
    return timeSource.nanoTime();
  }

  /**
   * Records a finished request. Never throws for any input; does not allocate once the combination
   * of method, route, status class (and error code, for errors) has been recorded before.
   *
   * @param startNanos the value {@link #start()} returned
   * @param method the HTTP method; anything but the nine standard methods is recorded as {@code
   *     OTHER}
   * @param route the route (a template such as {@code /orders/{id}}, never a raw path with IDs)
   * @param status the HTTP status; below 100 or above 599 is recorded as {@code unknown}
   * @param errorCode the error code for an error response, or null
   */
  public void stop(long startNanos, String method, String route, int status, String errorCode) {
    long elapsed = Math.max(0L, timeSource.nanoTime() - startNanos);
    active.decrementAndGet();
    record(method, route, status, errorCode, elapsed);
  }

  /**
   * Records a request whose duration was measured elsewhere. Never throws.
   *
   * @param method the HTTP method
   * @param route the route template
   * @param status the HTTP status
   * @param errorCode the error code for an error response, or null
   * @param durationNanos the duration in nanoseconds
   */
  public void record(
      String method, String route, int status, String errorCode, long durationNanos) {
    int m = methodIndex(method);
    int s = statusClassIndex(status);
    String r = routes.admit(route == null || route.isEmpty() ? "/" : route);
    RouteMeters meters = byRoute.get(r);
    if (meters == null) {
      meters = byRoute.computeIfAbsent(r, RouteMeters::new);
    }
    meters.timer(m, s).record(Math.max(0L, durationNanos), TimeUnit.NANOSECONDS);
    requestCount.increment();
    totalNanos.add(Math.max(0L, durationNanos));
    if (s == 4) {
      serverErrorCount.increment();
    }
    if (s == 3 || s == 4) {
      meters.errors(m, s, errorCodes.admit(errorCode)).increment();
    }
  }

  /**
   * Returns the number of requests recorded since creation.
   *
   * @return the request count
   */
  public long requestCount() {
    return requestCount.sum();
  }

  /**
   * Returns the number of server errors (status 500 to 599) recorded since creation.
   *
   * @return the server error count
   */
  public long serverErrorCount() {
    return serverErrorCount.sum();
  }

  /**
   * Returns the mean duration of the requests recorded since creation.
   *
   * @return the mean duration, zero before the first request
   */
  public Duration averageDuration() {
    long n = requestCount.sum();
    return n == 0 ? Duration.ZERO : Duration.ofNanos(totalNanos.sum() / n);
  }

  /**
   * Returns the number of requests in progress.
   *
   * @return the active request count
   */
  public int activeRequests() {
    return active.get();
  }

  /**
   * Returns the time source durations are read from.
   *
   * @return the time source
   */
  public TimeSource timeSource() {
    return timeSource;
  }

  static int methodIndex(String method) {
    if (method == null) {
      return 9;
    }
    switch (method) {
      case "GET":
        return 0;
      case "HEAD":
        return 1;
      case "POST":
        return 2;
      case "PUT":
        return 3;
      case "DELETE":
        return 4;
      case "PATCH":
        return 5;
      case "OPTIONS":
        return 6;
      case "TRACE":
        return 7;
      case "CONNECT":
        return 8;
      default:
        return 9;
    }
  }

  static int statusClassIndex(int status) {
    return status < 100 || status > 599 ? 5 : status / 100 - 1;
  }

  private final class RouteMeters {
    private final String route;
    private final AtomicReferenceArray<Timer> timers =
        new AtomicReferenceArray<>(METHODS.length * STATUS_CLASSES.length);
    private final ConcurrentHashMap<String, AtomicReferenceArray<Counter>> errorsByCode =
        new ConcurrentHashMap<>();

    RouteMeters(String route) {
      this.route = route;
    }

    Timer timer(int m, int s) {
      int i = m * STATUS_CLASSES.length + s;
      Timer t = timers.get(i);
      if (t == null) {
        Timer.Builder b =
            Timer.builder(REQUESTS)
                .description("HTTP server requests")
                .tag("method", METHODS[m])
                .tag("route", route)
                .tag("status_class", STATUS_CLASSES[s])
                .serviceLevelObjectives(buckets);
        if (percentileHistogram) {
          b.publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofMillis(1))
              .maximumExpectedValue(Duration.ofSeconds(30));
        }
        t = b.register(registry);
        timers.compareAndSet(i, null, t);
      }
      return t;
    }

    Counter errors(int m, int s, String code) {
      AtomicReferenceArray<Counter> byMethod = errorsByCode.get(code);
      if (byMethod == null) {
        byMethod =
            errorsByCode.computeIfAbsent(code, k -> new AtomicReferenceArray<>(METHODS.length * 2));
      }
      int i = m * 2 + (s == 4 ? 1 : 0);
      Counter c = byMethod.get(i);
      if (c == null) {
        c =
            Counter.builder(ERRORS)
                .description("HTTP server responses with status 400 or more")
                .tag("method", METHODS[m])
                .tag("route", route)
                .tag("status_class", STATUS_CLASSES[s])
                .tag("error_code", code)
                .register(registry);
        byMethod.compareAndSet(i, null, c);
      }
      return c;
    }
  }

  /** Builds {@link HttpServerMetrics}. Not thread-safe. */
  public static final class Builder {
    private TimeSource timeSource = TimeSource.system();
    private List<Duration> buckets = DEFAULT_BUCKETS;
    private boolean percentileHistogram;
    private int maxRoutes = CardinalityGuard.DEFAULT_MAX_VALUES;
    private int maxErrorCodes = CardinalityGuard.DEFAULT_MAX_VALUES;

    private Builder() {}

    /**
     * Sets the time source durations are read from. Default {@link TimeSource#system()}.
     *
     * @param timeSource the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Checks.notNull("timeSource", timeSource);
      return this;
    }

    /**
     * Sets the histogram buckets. Default {@link #DEFAULT_BUCKETS}. A latency SLO's threshold must
     * be one of them so that its good-event count is exact.
     *
     * @param buckets one to fifty positive durations
     * @return this builder
     * @throws IllegalArgumentException if empty, too many, or one is not positive
     */
    public Builder serviceLevelObjectives(Duration... buckets) {
      Checks.notNull("buckets", buckets);
      Checks.inRange("buckets.length", buckets.length, 1, 50);
      List<Duration> list = new ArrayList<>(buckets.length);
      for (Duration d : buckets) {
        list.add(Checks.positive("bucket", d));
      }
      this.buckets = List.copyOf(list);
      return this;
    }

    /**
     * Also publishes Micrometer's percentile histogram (about 70 buckets between 1ms and 30s) for
     * finer percentiles, at about six times the series. Default off.
     *
     * @param enabled whether to publish the percentile histogram
     * @return this builder
     */
    public Builder percentileHistogram(boolean enabled) {
      this.percentileHistogram = enabled;
      return this;
    }

    /**
     * Sets the cap on distinct routes. Default 100.
     *
     * @param maxRoutes 1 to 100,000
     * @return this builder
     */
    public Builder maxRoutes(int maxRoutes) {
      this.maxRoutes = Checks.inRange("maxRoutes", maxRoutes, 1, 100_000);
      return this;
    }

    /**
     * Sets the cap on distinct error codes. Default 100.
     *
     * @param maxErrorCodes 1 to 100,000
     * @return this builder
     */
    public Builder maxErrorCodes(int maxErrorCodes) {
      this.maxErrorCodes = Checks.inRange("maxErrorCodes", maxErrorCodes, 1, 100_000);
      return this;
    }

    /**
     * Builds the metrics and registers the active-requests gauge.
     *
     * @param registry where the meters are registered
     * @return the metrics
     * @throws NullPointerException if {@code registry} is null
     */
    public HttpServerMetrics build(MeterRegistry registry) {
      Checks.notNull("registry", registry);
      return new HttpServerMetrics(this, registry);
    }

    @Override
    public String toString() {
      return "HttpServerMetrics.Builder[buckets="
          + buckets.stream().map(DurationText::format).toList()
          + "]";
    }
  }
}
