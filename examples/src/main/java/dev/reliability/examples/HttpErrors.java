package dev.reliability.examples;

import com.sun.net.httpserver.HttpExchange;
import dev.reliability.core.error.ErrorCode;
import dev.reliability.core.error.ReliabilityException;
import dev.reliability.core.error.StandardErrorCode;
import java.util.Arrays;
import java.util.Set;

/**
 * The example's own error codes for unknown paths and methods, so that every error answer is a
 * problem+json body built by the library's error filters. Stateless.
 */
final class HttpErrors {

  /** No such resource: 404. */
  static final ErrorCode NOT_FOUND = ErrorCode.of("NOT_FOUND", 404, false, "No such resource");

  /** The resource does not support the method: 405. */
  static final ErrorCode METHOD_NOT_ALLOWED =
      ErrorCode.of("METHOD_NOT_ALLOWED", 405, false, "The method is not allowed");

  /** A request that reached the server while it stops: 503, retryable. */
  static final ErrorCode SHUTTING_DOWN =
      ErrorCode.of("SHUTTING_DOWN", 503, true, "The service is shutting down");

  private HttpErrors() {}

  /**
   * Returns the code of an error answer the HTTP server produced itself.
   *
   * @param status the HTTP status
   * @return the matching code
   */
  static ErrorCode forStatus(int status) {
    switch (status) {
      case 400:
        return StandardErrorCode.DATA_VALIDATION_ERROR;
      case 404:
        return NOT_FOUND;
      case 405:
        return METHOD_NOT_ALLOWED;
      case 503:
        return SHUTTING_DOWN;
      default:
        int s = status >= 400 && status <= 599 ? status : 500;
        return ErrorCode.of("HTTP_" + s, s, s >= 500, "HTTP " + s);
    }
  }

  private static final Set<String> STANDARD_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  /**
   * The 404 for a path nothing serves. The detail names the method only if it is a standard one and
   * never echoes the path: both are the client's text, of any length and content. (The problem's
   * {@code instance} carries the path redacted and cut to a bounded length.)
   */
  static ReliabilityException notFound(String method) {
    return new ReliabilityException(
        NOT_FOUND,
        STANDARD_METHODS.contains(method)
            ? "No resource for " + method + " at this path"
            : "No resource at this path");
  }

  static ReliabilityException methodNotAllowed(String method, String... allowed) {
    String use = "use " + String.join(", ", Arrays.asList(allowed));
    return new ReliabilityException(
        METHOD_NOT_ALLOWED,
        STANDARD_METHODS.contains(method)
            ? "Method " + method + " is not allowed; " + use
            : "The method is not allowed; " + use);
  }

  /** A JDK {@code HttpServer} handler for every unknown path. */
  static void handle(HttpExchange exchange) {
    throw notFound(exchange.getRequestMethod());
  }

  static void requireExactPath(HttpExchange exchange, String path) {
    if (!exchange.getRequestURI().getPath().equals(path)) {
      handle(exchange);
    }
  }

  static void requireMethod(HttpExchange exchange, String method) {
    if (!exchange.getRequestMethod().equals(method)) {
      exchange.getResponseHeaders().set("Allow", method);
      throw methodNotAllowed(exchange.getRequestMethod(), method);
    }
  }
}
