package dev.reliability.health.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.internal.Checks;
import dev.reliability.health.HealthCheckRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link HealthCheckRegistry} from the JDK's built-in {@link HttpServer}, with no other
 * dependency.
 *
 * <pre>{@code
 * HttpServer server = HttpServer.create(new InetSocketAddress(8080), 0);
 * server.setExecutor(Executors.newFixedThreadPool(4));
 * HealthHttpHandler.create(registry, HealthEndpointConfig.ofDefaults()).mount(server);
 * server.start();
 * }</pre>
 *
 * <p>Mounted at {@code /health}, it answers {@code GET} and {@code HEAD} on:
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>path</th><th>answers</th></tr>
 *   <tr><td>{@code /health/live}</td><td>liveness (minimal body)</td></tr>
 *   <tr><td>{@code /health/ready}</td><td>readiness (minimal body)</td></tr>
 *   <tr><td>{@code /health/startup}</td><td>startup (minimal body)</td></tr>
 *   <tr><td>{@code /health/<group>}</td><td>a custom group (minimal body)</td></tr>
 *   <tr><td>{@code /health}, {@code /health/detailed}</td>
 *       <td>every check; details when the {@link ShowDetails} policy allows</td></tr>
 * </table>
 *
 * <p>Status codes: 200 healthy, 503 unhealthy or unknown, degraded as configured (200 by default);
 * 404 for other paths and 405 for other methods, both as {@code application/problem+json}. Every
 * answer carries {@code Cache-Control: no-store} and {@code Vary: Accept}; a HEAD answer has the
 * GET answer's status and headers and no body. Bodies are chosen by {@code Accept} or {@code
 * ?format=} (see {@link HealthFormat}).
 *
 * <p>A probe never takes longer than the registry's probe timeout, however its checks behave. Give
 * the server an executor with a few threads; the server's default runs every exchange on one
 * thread. Start the JVM with {@code -Dsun.net.httpserver.nodelay=true} (or set that system property
 * before the first server is created): without it the JDK server sends headers and body in two
 * segments with Nagle's algorithm on, and a keep-alive client waits for its own delayed
 * acknowledgement, about 40 ms per request. Thread-safe.
 */
public final class HealthHttpHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(HealthHttpHandler.class);

  /** The default mount point. */
  public static final String DEFAULT_PATH = "/health";

  private final HealthResponder responder;

  private HealthHttpHandler(HealthResponder responder) {
    this.responder = responder;
  }

  /**
   * Creates a handler with the default endpoint configuration overridden by system properties and
   * environment variables: {@code
   * HealthEndpointConfig.ofDefaults().withOverrides(ConfigSource.standard())}.
   *
   * @param registry the registry to serve
   * @return the handler
   */
  public static HealthHttpHandler create(HealthCheckRegistry registry) {
    return create(
        registry, HealthEndpointConfig.ofDefaults().withOverrides(ConfigSource.standard()));
  }

  /**
   * Creates a handler.
   *
   * @param registry the registry to serve
   * @param config how to answer
   * @return the handler
   * @throws NullPointerException if an argument is null
   */
  public static HealthHttpHandler create(
      HealthCheckRegistry registry, HealthEndpointConfig config) {
    Checks.notNull("registry", registry);
    Checks.notNull("config", config);
    return new HealthHttpHandler(new HealthResponder(registry, config));
  }

  /**
   * Mounts this handler at {@value #DEFAULT_PATH}.
   *
   * @param server the server
   * @return the context created
   */
  public HttpContext mount(HttpServer server) {
    return mount(server, DEFAULT_PATH);
  }

  /**
   * Mounts this handler at a path.
   *
   * @param server the server
   * @param path the mount point, such as {@code /health} or {@code /management/health}
   * @return the context created
   * @throws IllegalArgumentException if the path does not start with {@code /} or ends with one
   */
  public HttpContext mount(HttpServer server, String path) {
    Checks.notNull("server", server);
    Checks.notNull("path", path);
    Checks.check(
        path.startsWith("/") && (path.length() == 1 || !path.endsWith("/")),
        "path",
        "an absolute path without a trailing '/'",
        "\"" + path + "\"");
    return server.createContext(path, this);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getRawPath();
      String base = exchange.getHttpContext().getPath();
      String below = path.startsWith(base) ? path.substring(base.length()) : path;
      if (base.equals("/")) {
        below = path;
      }
      HealthResponder.Response r =
          responder.respond(
              exchange.getRequestMethod(),
              below,
              exchange.getRequestURI().getRawQuery(),
              exchange.getRequestHeaders().getFirst("Accept"),
              new ExchangeRequest(exchange));
      send(exchange, r);
    } catch (RuntimeException e) {
      LOG.warn("Health endpoint failed to answer {}", exchange.getRequestURI(), e);
      exchange.sendResponseHeaders(500, -1);
    } finally {
      exchange.close();
    }
  }

  private static void send(HttpExchange exchange, HealthResponder.Response r) throws IOException {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", r.contentType());
    headers.set("Cache-Control", "no-store");
    headers.set("Vary", "Accept");
    for (Map.Entry<String, String> h : r.headers().entrySet()) {
      headers.set(h.getKey(), h.getValue());
    }
    if (exchange.getRequestMethod().equals("HEAD")) {
      headers.set("Content-Length", Integer.toString(r.body().length));
      exchange.sendResponseHeaders(r.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(r.status(), r.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(r.body());
    }
  }

  /** Adapts an exchange for the authoriser. */
  private static final class ExchangeRequest implements HealthRequest {
    private final HttpExchange exchange;

    ExchangeRequest(HttpExchange exchange) {
      this.exchange = exchange;
    }

    @Override
    public String header(String name) {
      return exchange.getRequestHeaders().getFirst(name);
    }

    @Override
    public String remoteAddress() {
      InetSocketAddress a = exchange.getRemoteAddress();
      return a == null || a.getAddress() == null ? "" : a.getAddress().getHostAddress();
    }

    @Override
    public Principal principal() {
      return exchange.getPrincipal();
    }
  }
}
