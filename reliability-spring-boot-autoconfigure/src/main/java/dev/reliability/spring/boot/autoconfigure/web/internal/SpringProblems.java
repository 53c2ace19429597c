package dev.reliability.spring.boot.autoconfigure.web.internal;

import dev.reliability.core.error.ErrorCode;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.core.problem.ProblemDetailFactory;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * Turns the library's problems into Spring's {@link org.springframework.http.ProblemDetail}, for
 * MVC and WebFlux alike: the members {@link ProblemDetailFactory} writes (status from the error
 * code, {@code error_code}, {@code request_id}, {@code retryable}, {@code retry_after_seconds},
 * {@code details}) become the standard fields and properties of Spring's body, and {@code
 * Retry-After} a header. Spring's own errors (404, 405, 400, ...) get the same members.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class SpringProblems {

  /** The logger of failures answered with a problem; the same as the servlet filters'. */
  public static final String ERROR_LOGGER = "dev.reliability.tracing.errors";

  /** The problem+json media type. */
  public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

  private static final Logger LOG = LoggerFactory.getLogger(ERROR_LOGGER);

  /** Members that are fields of Spring's ProblemDetail rather than properties. */
  private static final Set<String> STANDARD =
      Set.of("type", "title", "status", "detail", "instance");

  private static final String SPRING_SECURITY_PACKAGE = "org.springframework.security.";

  private final ProblemDetailFactory factory;

  /**
   * Creates the converter.
   *
   * @param factory builds every problem
   */
  public SpringProblems(ProblemDetailFactory factory) {
    this.factory = factory;
  }

  /**
   * The answer to a failure: classified, redacted and logged once (ERROR with the stack trace for
   * 5xx, WARN for 4xx).
   *
   * @param failure the exception a handler threw
   * @param requestId the request's ID, or null
   * @param method the request method, for the log line
   * @param path the raw request path
   * @return the problem
   */
  public ProblemDetail problemFor(Throwable failure, String requestId, String method, String path) {
    ProblemDetail problem = factory.create(failure, requestId, path);
    // The instance is the path redacted and cut; the raw path may be long hostile text.
    String shownPath = problem.instance().orElse("");
    String shownMethod =
        method == null || method.length() <= 16 ? method : method.substring(0, 16) + "...";
    if (problem.status() >= 500) {
      LOG.error(
          "{} {} failed with {} {}",
          shownMethod,
          shownPath,
          problem.status(),
          problem.errorCode(),
          failure);
    } else {
      LOG.warn(
          "{} {} failed with {} {}",
          shownMethod,
          shownPath,
          problem.status(),
          problem.errorCode(),
          failure);
    }
    return problem;
  }

  /**
   * The response entity for one of our problems: Spring's body, {@code Retry-After} when the
   * problem has a hint, content type problem+json.
   *
   * @param problem the problem
   * @return the entity
   */
  public static ResponseEntity<Object> entity(ProblemDetail problem) {
    HttpHeaders headers = new HttpHeaders();
    problem.retryAfterHeader().ifPresent(v -> headers.set(HttpHeaders.RETRY_AFTER, v));
    headers.setContentType(PROBLEM_JSON);
    return ResponseEntity.status(problem.status()).headers(headers).body(toSpring(problem));
  }

  /**
   * Copies one of our problems into Spring's type.
   *
   * @param problem the problem
   * @return Spring's problem with the same members
   */
  public static org.springframework.http.ProblemDetail toSpring(ProblemDetail problem) {
    org.springframework.http.ProblemDetail body =
        org.springframework.http.ProblemDetail.forStatus(problem.status());
    body.setType(uriOrNull(problem.type()));
    body.setTitle(problem.title());
    body.setDetail(problem.detail());
    body.setInstance(problem.instance().map(SpringProblems::uriOrNull).orElse(null));
    for (Map.Entry<String, Object> member : problem.toMap().entrySet()) {
      if (!STANDARD.contains(member.getKey())) {
        body.setProperty(member.getKey(), member.getValue());
      }
    }
    return body;
  }

  /**
   * Adds our members to a problem Spring built for one of its own errors: {@code error_code} (the
   * status's name, {@code NOT_FOUND}), {@code request_id}, {@code retryable}, and the instance as
   * our factory writes it (redacted, bounded). The detail of a 404 or 405 is the status's title,
   * because Spring's names the path or method the client sent.
   *
   * @param body Spring's problem, changed in place
   * @param requestId the request ID, or null
   * @param path the raw request path
   * @return the error code written, or null when the status is not an error
   */
  public String decorate(
      org.springframework.http.ProblemDetail body, String requestId, String path) {
    int status = body.getStatus();
    if (status < 400 || status > 599) {
      return null;
    }
    HttpStatus known = HttpStatus.resolve(status);
    String code = known != null ? known.name() : "HTTP_" + status;
    String title = known != null ? known.getReasonPhrase() : "HTTP " + status;
    boolean retryable = status == 429 || status == 503;
    String detail = status == 404 || status == 405 ? title : body.getDetail();
    ProblemDetail ours =
        factory.create(
            ErrorCode.of(code, status, retryable, title), detail, requestId, path, Map.of());
    body.setDetail(ours.detail());
    body.setInstance(ours.instance().map(SpringProblems::uriOrNull).orElse(null));
    body.setProperty("error_code", ours.errorCode());
    if (requestId != null) {
      body.setProperty("request_id", requestId);
    }
    body.setProperty("retryable", retryable);
    return code;
  }

  /**
   * Whether the catch-all handlers must let an exception go on to whoever expects it: exceptions
   * annotated with {@code @ResponseStatus} (Spring answers them), and Spring Security's (its
   * filters turn an access-denied or authentication exception into a 401, 403 or a login redirect,
   * which a 500 here would hide).
   *
   * @param failure the exception
   * @return true to rethrow it
   */
  public static boolean leftToOthers(Throwable failure) {
    if (AnnotatedElementUtils.hasAnnotation(failure.getClass(), ResponseStatus.class)) {
      return true;
    }
    for (Class<?> c = failure.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().startsWith(SPRING_SECURITY_PACKAGE)) {
        return true;
      }
    }
    return false;
  }

  private static URI uriOrNull(String text) {
    try {
      return URI.create(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
