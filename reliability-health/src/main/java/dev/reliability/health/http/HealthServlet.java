package dev.reliability.health.http;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.internal.Checks;
import dev.reliability.health.HealthCheckRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.Map;

/**
 * Serves a {@link HealthCheckRegistry} from any Jakarta Servlet 6 container (Jetty, Tomcat,
 * Undertow). Needs {@code jakarta.servlet:jakarta.servlet-api} on the class path, which this
 * library declares optional.
 *
 * <pre>{@code
 * ServletContextHandler context = new ServletContextHandler();
 * context.addServlet(new ServletHolder(new HealthServlet(registry, config)), "/health/*");
 * }</pre>
 *
 * <p>Map it to {@code /health/*}; it answers the same paths, status codes, headers and bodies as
 * {@link HealthHttpHandler}, for {@code GET} and {@code HEAD}. The authoriser of {@link
 * ShowDetails#WHEN_AUTHORIZED} sees the request's headers, remote address and the container's
 * {@link HttpServletRequest#getUserPrincipal() principal}. Thread-safe.
 */
public final class HealthServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final transient HealthResponder responder;

  /**
   * Creates the servlet with the default endpoint configuration overridden by system properties and
   * environment variables: {@code
   * HealthEndpointConfig.ofDefaults().withOverrides(ConfigSource.standard())}.
   *
   * @param registry the registry to serve
   */
  public HealthServlet(HealthCheckRegistry registry) {
    this(registry, HealthEndpointConfig.ofDefaults().withOverrides(ConfigSource.standard()));
  }

  /**
   * Creates the servlet.
   *
   * @param registry the registry to serve
   * @param config how to answer
   * @throws NullPointerException if an argument is null
   */
  public HealthServlet(HealthCheckRegistry registry, HealthEndpointConfig config) {
    Checks.notNull("registry", registry);
    Checks.notNull("config", config);
    this.responder = new HealthResponder(registry, config);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    HealthResponder.Response r =
        responder.respond(
            request.getMethod(),
            request.getPathInfo(),
            request.getQueryString(),
            request.getHeader("Accept"),
            new ServletRequestView(request));
    response.setStatus(r.status());
    response.setContentType(r.contentType());
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("Vary", "Accept");
    for (Map.Entry<String, String> h : r.headers().entrySet()) {
      response.setHeader(h.getKey(), h.getValue());
    }
    response.setContentLength(r.body().length);
    if (!request.getMethod().equals("HEAD")) {
      response.getOutputStream().write(r.body());
    }
  }

  /** Adapts a servlet request for the authoriser. */
  private static final class ServletRequestView implements HealthRequest {
    private final HttpServletRequest request;

    ServletRequestView(HttpServletRequest request) {
      this.request = request;
    }

    @Override
    public String header(String name) {
      return request.getHeader(name);
    }

    @Override
    public String remoteAddress() {
      return request.getRemoteAddr();
    }

    @Override
    public Principal principal() {
      return request.getUserPrincipal();
    }
  }
}
