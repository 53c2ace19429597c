package dev.reliability.examples;

import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.context.RequestIdSanitizer;
import dev.reliability.core.error.ReliabilityException;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.tracing.TracingHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's own error answers (a request Jetty's parser refuses, such as a header with control
 * characters; the 503 of a request that arrives while the server stops) as problem+json with an
 * {@code X-Request-ID}, like every answer the servlet filters produce. The ID is the caller's when
 * it is valid and could be parsed, a new one otherwise. Thread-safe.
 */
final class ProblemErrorHandler extends ErrorHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemErrorHandler.class);

  private final ProblemDetailFactory problems;
  private final RequestIdSanitizer sanitizer;

  ProblemErrorHandler(ProblemDetailFactory problems, RequestIdSanitizer sanitizer) {
    this.problems = problems;
    this.sanitizer = sanitizer;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Object attribute = request.getAttribute(ERROR_STATUS);
    int status = attribute instanceof Integer code ? code : response.getStatus();
    Object message = request.getAttribute(ERROR_MESSAGE);
    String id = response.getHeaders().get(TracingHeaders.REQUEST_ID);
    if (id == null) {
      id = sanitizer.sanitize(request.getHeaders().get(TracingHeaders.REQUEST_ID));
      response.getHeaders().put(TracingHeaders.REQUEST_ID, id);
    }
    ProblemDetail problem =
        problem(
            status,
            message == null ? null : message.toString(),
            id,
            request.getHttpURI().getPath());
    response.setStatus(problem.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, ProblemDetail.MEDIA_TYPE);
    response.getHeaders().put(ERROR_CACHE_CONTROL);
    problem.retryAfterHeader().ifPresent(v -> response.getHeaders().put(HttpHeader.RETRY_AFTER, v));
    response.write(
        true, ByteBuffer.wrap(problem.toJson().getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    String id = sanitizer.sanitize(null);
    ProblemDetail problem = problem(status, reason, id, null);
    fields.put(new HttpField(TracingHeaders.REQUEST_ID, id));
    fields.put(HttpHeader.CONTENT_TYPE, ProblemDetail.MEDIA_TYPE);
    return ByteBuffer.wrap(problem.toJson().getBytes(StandardCharsets.UTF_8));
  }

  private ProblemDetail problem(int status, String reason, String id, String path) {
    ReliabilityException failure =
        new ReliabilityException(
            HttpErrors.forStatus(status),
            reason == null || reason.isBlank() ? "HTTP " + status : reason);
    try (ContextScope scope = RequestContext.of(id).bind()) {
      log.warn("request refused by the HTTP server: {} {}", status, failure.getMessage());
    }
    return path == null ? problems.create(failure, id) : problems.create(failure, id, path);
  }
}
