package dev.reliability.health.checks;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.core.time.TimeSource;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A TCP endpoint: opens a connection and closes it. Healthy when the connection opens, degraded
 * when opening took longer than the slow threshold (if set), unhealthy when it is refused, times
 * out or the host does not resolve. For brokers, caches and databases without a richer client
 * check.
 *
 * <p>A {@link HealthCheckKind#DEPENDENCY} check: it stays off liveness unless the registration opts
 * in. Details: {@code host}, {@code port}, {@code response_time_ms}; measurement {@code
 * responseTime} in ms. Immutable and thread-safe.
 */
public final class TcpHealthCheck implements HealthCheck {

  private final String host;
  private final int port;
  private final Duration connectTimeout;
  private final Duration slowThreshold;
  private final TimeSource time;

  private TcpHealthCheck(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.connectTimeout = b.connectTimeout;
    this.slowThreshold = b.slowThreshold;
    this.time = b.time;
  }

  /**
   * Returns a check of one endpoint with a 2s connect timeout.
   *
   * @param host the host name or address
   * @param port the port
   * @return the check
   */
  public static TcpHealthCheck of(String host, int port) {
    return builder(host, port).build();
  }

  /**
   * Starts a check.
   *
   * @param host the host name or address
   * @param port the port, 1 to 65535
   * @return a new builder
   */
  public static Builder builder(String host, int port) {
    return new Builder(Checks.notBlank("host", host), Checks.inRange("port", port, 1, 65535));
  }

  @Override
  public HealthCheckResult check() {
    long start = time.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
    } catch (SocketTimeoutException e) {
      return result(
              HealthStatus.UNHEALTHY,
              "no connection to "
                  + host
                  + ":"
                  + port
                  + " within "
                  + DurationText.format(connectTimeout),
              start)
          .build();
    } catch (IOException | IllegalArgumentException | SecurityException e) {
      return result(
              HealthStatus.UNHEALTHY,
              "cannot connect to " + host + ":" + port + ": " + e.getMessage(),
              start)
          .detail("error", e.getClass().getName())
          .build();
    }
    Duration took = Duration.ofNanos(time.nanoTime() - start);
    if (slowThreshold != null && took.compareTo(slowThreshold) > 0) {
      return result(
              HealthStatus.DEGRADED,
              "connected after "
                  + DurationText.format(Duration.ofMillis(took.toMillis()))
                  + ", slower than "
                  + DurationText.format(slowThreshold),
              start)
          .build();
    }
    return result(HealthStatus.HEALTHY, "connected", start).build();
  }

  private HealthCheckResult.Builder result(HealthStatus status, String message, long start) {
    double ms = Math.round((time.nanoTime() - start) / 10_000.0) / 100.0;
    return HealthCheckResult.builder(status)
        .message(message)
        .detail("host", host)
        .detail("port", port)
        .detail("response_time_ms", ms)
        .measurement("responseTime", ms, "ms");
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.DEPENDENCY;
  }

  /** Builds a {@link TcpHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private final String host;
    private final int port;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration slowThreshold;
    private TimeSource time = TimeSource.system();

    private Builder(String host, int port) {
      this.host = host;
      this.port = port;
    }

    /**
     * Sets the connect timeout. Default 2s.
     *
     * @param timeout between 1ms and 1h
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      Checks.positive("connectTimeout", timeout);
      Checks.check(
          timeout.compareTo(Duration.ofHours(1)) <= 0,
          "connectTimeout",
          "at most 1h",
          DurationText.format(timeout));
      this.connectTimeout = timeout.toMillis() == 0 ? Duration.ofMillis(1) : timeout;
      return this;
    }

    /**
     * Reports degraded when connecting takes longer than this. Default: never.
     *
     * @param threshold longer than zero
     * @return this builder
     */
    public Builder slowThreshold(Duration threshold) {
      this.slowThreshold = Checks.positive("slowThreshold", threshold);
      return this;
    }

    /**
     * Sets the time source that measures the connect time. Default {@link TimeSource#system()}.
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
    public TcpHealthCheck build() {
      return new TcpHealthCheck(this);
    }
  }
}
