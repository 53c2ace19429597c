package dev.reliability.health.http;

import dev.reliability.core.error.ErrorCode;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.HealthReport;
import dev.reliability.health.HealthStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Answers a health request independently of the server: routing, status codes, content negotiation,
 * the show-details policy and the body. The JDK {@code HttpServer} handler and the servlet only
 * adapt their request and response types to it.
 *
 * <p>Routes, relative to the mount point (usually {@code /health}): empty or {@code /detailed} for
 * the detailed view; {@code /live} or {@code /liveness}, {@code /ready} or {@code /readiness},
 * {@code /startup}; {@code /<group>} for a custom group. GET and HEAD only.
 *
 * <p>Package-private: shared by the handler and the servlet only. Thread-safe.
 */
final class HealthResponder {

  private static final ErrorCode NOT_FOUND =
      ErrorCode.of("HEALTH_ENDPOINT_NOT_FOUND", 404, false, "No such health endpoint");
  private static final ErrorCode METHOD_NOT_ALLOWED =
      ErrorCode.of("METHOD_NOT_ALLOWED", 405, false, "Method not allowed");
  private static final Map<String, String> NO_HEADERS = Map.of();
  private static final String NO_SUCH_ENDPOINT = "No health endpoint at this path";

  private final HealthCheckRegistry registry;
  private final HealthEndpointConfig config;
  private final HealthJson.Service service;
  private final ProblemDetailFactory problems;

  /**
   * Creates the responder.
   *
   * @param registry the registry to report
   * @param config the endpoint configuration
   */
  HealthResponder(HealthCheckRegistry registry, HealthEndpointConfig config) {
    this.registry = registry;
    this.config = config;
    this.service =
        new HealthJson.Service(
            config.serviceName().orElse(null), config.serviceVersion().orElse(null));
    this.problems = ProblemDetailFactory.builder().build();
  }

  /**
   * An answer.
   *
   * @param status the HTTP status
   * @param contentType the {@code Content-Type}
   * @param body the body; for HEAD, send the headers only
   * @param headers extra headers, such as {@code Allow}
   */
  record Response(int status, String contentType, byte[] body, Map<String, String> headers) {}

  /**
   * Answers a request.
   *
   * @param method the HTTP method
   * @param path the path below the mount point, such as {@code /ready}; empty for the mount point
   * @param query the raw query string, or null
   * @param accept the {@code Accept} header, or null
   * @param request the request, for the details policy
   * @return the answer
   */
  Response respond(String method, String path, String query, String accept, HealthRequest request) {
    String route = path == null ? "" : path;
    while (route.endsWith("/")) {
      route = route.substring(0, route.length() - 1);
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      // Neither the method nor the path is echoed: both are the client's text, of any length.
      return problem(
          METHOD_NOT_ALLOWED,
          "Health endpoints answer GET and HEAD only",
          Map.of("Allow", "GET, HEAD"));
    }
    if (!route.isEmpty() && route.charAt(0) != '/') {
      // A sibling path such as /healthz that only shares the mount point's prefix.
      return problem(NOT_FOUND, NO_SUCH_ENDPOINT, NO_HEADERS);
    }
    HealthFormat format = AcceptHeader.choose(accept, query, config.defaultFormat());
    switch (route) {
      case "":
      case "/detailed":
        return detailed(format, request);
      case "/live":
      case "/liveness":
        return probe(registry.liveness(), format, true);
      case "/ready":
      case "/readiness":
        return probe(registry.readiness(), format, false);
      case "/startup":
        return probe(registry.startup(), format, false);
      default:
        String group = route.substring(1);
        if (group.indexOf('/') < 0
            && !group.equals(HealthGroups.LIVENESS)
            && registry.groups().contains(group)) {
          return probe(registry.report(group), format, false);
        }
        return problem(NOT_FOUND, NO_SUCH_ENDPOINT, NO_HEADERS);
    }
  }

  private Response detailed(HealthFormat format, HealthRequest request) {
    boolean details = config.detailsAllowed(request);
    HealthReport report =
        details ? registry.fullReport() : registry.report(HealthCheckRegistry.ALL);
    int status = httpStatus(report.status(), false);
    return new Response(
        status,
        format.mediaType(),
        HealthJson.write(report, format, details, status == 200, service),
        NO_HEADERS);
  }

  private Response probe(HealthReport report, HealthFormat format, boolean liveness) {
    int status = httpStatus(report.status(), liveness);
    return new Response(
        status,
        format.mediaType(),
        HealthJson.write(report, format, false, status == 200, service),
        NO_HEADERS);
  }

  private int httpStatus(HealthStatus status, boolean liveness) {
    switch (status) {
      case HEALTHY:
        return 200;
      case DEGRADED:
        return liveness ? 200 : config.degradedStatusCode();
      default:
        return 503;
    }
  }

  private Response problem(ErrorCode code, String detail, Map<String, String> headers) {
    ProblemDetail p = problems.create(code, detail, null, null, Map.of());
    return new Response(
        code.httpStatus(),
        ProblemDetail.MEDIA_TYPE,
        p.toJson().getBytes(StandardCharsets.UTF_8),
        headers);
  }
}
