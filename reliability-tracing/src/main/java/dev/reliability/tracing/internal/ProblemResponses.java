package dev.reliability.tracing.internal;

import dev.reliability.core.context.RequestContext;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.tracing.TracingAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the error-handling filters do with an escaping exception, whatever the server: build the
 * problem, log it once, mark the current span.
 *
 * <p>This class is internal and may change at any time. Stateless and thread-safe.
 */
public final class ProblemResponses {

  /** The logger of escaping exceptions. */
  public static final String ERROR_LOGGER = "dev.reliability.tracing.errors";

  /** The response content type, with charset. */
  public static final String CONTENT_TYPE = ProblemDetail.MEDIA_TYPE + "; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(ERROR_LOGGER);

  private ProblemResponses() {}

  /**
   * The problem for an exception.
   *
   * @param problem the problem to send (or that would have been sent)
   */
  public record Outcome(ProblemDetail problem) {}

  /**
   * Builds the problem for an escaping exception, logs it once with the stack trace and records it
   * on the current span.
   *
   * @param factory the problem factory
   * @param failure the exception
   * @param method the request method
   * @param path the raw request path
   * @param canRespond whether the response headers are still unsent
   * @return the outcome
   */
  public static Outcome handle(
      ProblemDetailFactory factory,
      Throwable failure,
      String method,
      String path,
      boolean canRespond) {
    ProblemDetail problem = factory.create(failure, RequestContext.currentRequestId(), path);
    String suffix = canRespond ? "" : " after the response was committed";
    // The problem's instance is the path redacted and cut to a bounded length; the raw path may be
    // megabytes of hostile text.
    String shownPath = problem.instance().orElse("");
    String shownMethod =
        method == null || method.length() <= 16 ? method : method.substring(0, 16) + "...";
    if (problem.status() >= 500) {
      LOG.error(
          "{} {} failed with {} {}{}",
          shownMethod,
          shownPath,
          problem.status(),
          problem.errorCode(),
          suffix,
          failure);
    } else {
      LOG.warn(
          "{} {} failed with {} {}{}",
          shownMethod,
          shownPath,
          problem.status(),
          problem.errorCode(),
          suffix,
          failure);
    }
    Span span = Span.current();
    if (span.isRecording()) {
      span.recordException(failure);
      span.setAttribute(TracingAttributes.ERROR_CODE, problem.errorCode());
      if (problem.status() >= 500) {
        span.setStatus(StatusCode.ERROR, problem.errorCode());
      }
    }
    return new Outcome(problem);
  }
}
