package dev.reliability.metrics.prometheus;

import dev.reliability.core.internal.Checks;
import dev.reliability.metrics.internal.Scrape;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a Prometheus registry from a Servlet container, with the same behaviour as {@link
 * PrometheusScrapeHandler}: text format or OpenMetrics by content negotiation, gzip, {@code name[]}
 * filtering. Needs the optional {@code jakarta.servlet:jakarta.servlet-api}.
 *
 * <pre>{@code
 * context.addServlet(new ServletHolder(new PrometheusScrapeServlet(prometheus)), "/metrics");
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class PrometheusScrapeServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(PrometheusScrapeServlet.class);

  private final transient PrometheusMeterRegistry registry;

  /**
   * Creates the servlet.
   *
   * @param registry the registry to serve
   * @throws NullPointerException if {@code registry} is null
   */
  public PrometheusScrapeServlet(PrometheusMeterRegistry registry) {
    this.registry = Checks.notNull("registry", registry);
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String[] wanted = req.getParameterValues("name[]");
    Set<String> names = wanted == null ? Set.of() : new LinkedHashSet<>(Arrays.asList(wanted));
    Scrape.Response response;
    try {
      response =
          Scrape.render(registry, req.getHeader("Accept"), req.getHeader("Accept-Encoding"), names);
    } catch (IOException | RuntimeException e) {
      log.warn("Prometheus scrape failed", e);
      resp.sendError(500, "scrape failed");
      return;
    }
    resp.setStatus(200);
    resp.setHeader("Content-Type", response.contentType());
    resp.setHeader("Vary", "Accept, Accept-Encoding");
    if (response.gzipped()) {
      resp.setHeader("Content-Encoding", "gzip");
    }
    resp.setContentLength(response.body().length);
    resp.getOutputStream().write(response.body());
  }
}
