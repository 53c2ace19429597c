package dev.reliability.health.checks;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.core.time.TimeSource;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP dependency: sends one request with {@link java.net.http.HttpClient} and judges the status
 * code and the latency. Healthy for a 2xx or 3xx answer (or the range set), degraded when the
 * answer took longer than the slow threshold (if set), unhealthy for any other status, a timeout or
 * a connection failure.
 *
 * <pre>{@code
 * registry.register("payments-api", HttpHealthCheck.builder(URI.create("http://payments/health/ready"))
 *     .requestTimeout(Duration.ofSeconds(2)).slowThreshold(Duration.ofMillis(300)).build());
 * }</pre>
 *
 * <p>A {@link HealthCheckKind#DEPENDENCY} check: it stays off liveness unless the registration opts
 * in. Point it at the dependency's readiness endpoint, not at its full diagnostics. Redirects are
 * not followed. Details: {@code url}, {@code status_code}, {@code response_time_ms}; measurement
 * {@code responseTime} in ms. The URL in messages and details is scheme, host, port and path only:
 * user-info, query and fragment are left out, because they often carry credentials ({@code
 * https://token@host}, {@code ?key=...}) and results reach {@code /health}, logs and alert
 * webhooks. Immutable and thread-safe.
 */
public final class HttpHealthCheck implements HealthCheck {

  private static final class DefaultClient {
    static final HttpClient INSTANCE =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  }

  private final URI uri;
  private final String shownUri;
  private final String method;
  private final Duration requestTimeout;
  private final Duration slowThreshold;
  private final int minStatus;
  private final int maxStatus;
  private final Map<String, String> headers;
  private final HttpClient client;
  private final TimeSource time;

  private HttpHealthCheck(Builder b) {
    this.uri = b.uri;
    this.shownUri = withoutSecrets(b.uri);
    this.method = b.method;
    this.requestTimeout = b.requestTimeout;
    this.slowThreshold = b.slowThreshold;
    this.minStatus = b.minStatus;
    this.maxStatus = b.maxStatus;
    this.headers = Map.copyOf(b.headers);
    this.client = b.client == null ? DefaultClient.INSTANCE : b.client;
    this.time = b.time;
  }

  /**
   * Returns a check that sends {@code GET} to a URI.
   *
   * @param uri the URI, {@code http} or {@code https}
   * @return the check
   */
  public static HttpHealthCheck of(URI uri) {
    return builder(uri).build();
  }

  /**
   * Starts a check.
   *
   * @param uri the URI, {@code http} or {@code https}
   * @return a new builder
   * @throws IllegalArgumentException if the URI is not absolute http or https
   */
  public static Builder builder(URI uri) {
    Checks.notNull("uri", uri);
    String scheme = uri.getScheme();
    Checks.check(
        "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme),
        "uri",
        "an absolute http or https URI",
        uri);
    return new Builder(uri);
  }

  @Override
  public HealthCheckResult check() throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(requestTimeout);
    headers.forEach(request::header);
    long start = time.nanoTime();
    HttpResponse<Void> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
    } catch (HttpTimeoutException e) {
      return result(
              HealthStatus.UNHEALTHY,
              "no answer from " + shownUri + " within " + DurationText.format(requestTimeout),
              start)
          .build();
    } catch (IOException e) {
      return result(HealthStatus.UNHEALTHY, "cannot reach " + shownUri + ": " + describe(e), start)
          .detail("error", e.getClass().getName())
          .build();
    }
    int code = response.statusCode();
    Duration took = Duration.ofNanos(time.nanoTime() - start);
    HealthStatus status;
    String message;
    if (code < minStatus || code > maxStatus) {
      status = HealthStatus.UNHEALTHY;
      message = "HTTP " + code + " from " + shownUri;
    } else if (slowThreshold != null && took.compareTo(slowThreshold) > 0) {
      status = HealthStatus.DEGRADED;
      message =
          "HTTP "
              + code
              + " after "
              + DurationText.format(Duration.ofMillis(took.toMillis()))
              + ", slower than "
              + DurationText.format(slowThreshold);
    } else {
      status = HealthStatus.HEALTHY;
      message = "HTTP " + code;
    }
    return result(status, message, start).detail("status_code", code).build();
  }

  /** Scheme, host, port and path: no user-info, query or fragment. */
  static String withoutSecrets(URI uri) {
    StringBuilder sb = new StringBuilder().append(uri.getScheme()).append("://");
    if (uri.getHost() != null) {
      sb.append(uri.getHost());
      if (uri.getPort() >= 0) {
        sb.append(':').append(uri.getPort());
      }
    } else if (uri.getRawAuthority() != null) {
      String authority = uri.getRawAuthority();
      sb.append(authority.substring(authority.lastIndexOf('@') + 1));
    }
    if (uri.getRawPath() != null) {
      sb.append(uri.getRawPath());
    }
    return sb.toString();
  }

  private static String describe(IOException e) {
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private HealthCheckResult.Builder result(HealthStatus status, String message, long start) {
    double ms = Math.round((time.nanoTime() - start) / 10_000.0) / 100.0;
    return HealthCheckResult.builder(status)
        .message(message)
        .detail("url", shownUri)
        .detail("response_time_ms", ms)
        .measurement("responseTime", ms, "ms");
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.DEPENDENCY;
  }

  /** Builds an {@link HttpHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private final URI uri;
    private String method = "GET";
    private Duration requestTimeout = Duration.ofSeconds(3);
    private Duration slowThreshold;
    private int minStatus = 200;
    private int maxStatus = 399;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private HttpClient client;
    private TimeSource time = TimeSource.system();

    private Builder(URI uri) {
      this.uri = uri;
    }

    /**
     * Sets the method. Default {@code GET}.
     *
     * @param method {@code GET} or {@code HEAD}
     * @return this builder
     */
    public Builder method(String method) {
      Checks.check("GET".equals(method) || "HEAD".equals(method), "method", "GET or HEAD", method);
      this.method = method;
      return this;
    }

    /**
     * Sets how long to wait for the answer. Default 3s; keep it below the registration's check
     * timeout.
     *
     * @param timeout longer than zero
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Checks.positive("requestTimeout", timeout);
      return this;
    }

    /**
     * Reports degraded when the answer takes longer than this. Default: never.
     *
     * @param threshold longer than zero
     * @return this builder
     */
    public Builder slowThreshold(Duration threshold) {
      this.slowThreshold = Checks.positive("slowThreshold", threshold);
      return this;
    }

    /**
     * Sets the range of healthy status codes. Default 200 to 399.
     *
     * @param min the lowest healthy code
     * @param max the highest healthy code
     * @return this builder
     */
    public Builder expectedStatus(int min, int max) {
      Checks.inRange("expectedStatus min", min, 100, 599);
      Checks.inRange("expectedStatus max", max, min, 599);
      this.minStatus = min;
      this.maxStatus = max;
      return this;
    }

    /**
     * Adds a request header, such as an API key the dependency wants. Its value never shows in
     * results.
     *
     * @param name the header's name
     * @param value the value
     * @return this builder
     */
    public Builder header(String name, String value) {
      headers.put(Checks.notBlank("name", name), Checks.notNull("value", value));
      return this;
    }

    /**
     * Sets the client. Default: one shared client that does not follow redirects.
     *
     * @param client the client
     * @return this builder
     */
    public Builder client(HttpClient client) {
      this.client = Checks.notNull("client", client);
      return this;
    }

    /**
     * Sets the time source that measures latency. Default {@link TimeSource#system()}.
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Checks.notNull("timeSource", time);
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     */
    public HttpHealthCheck build() {
      return new HttpHealthCheck(this);
    }
  }
}
