package dev.reliability.spring.boot.autoconfigure.web.internal;

import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.ReliabilityException;
import dev.reliability.core.problem.ProblemDetail;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Spring MVC: the library's exceptions ({@link ReliabilityException} and the Resilience4j
 * rejections the classifier knows) answered as problem+json through Spring's {@link
 * org.springframework.http.ProblemDetail}, with the request ID, the error code and {@code
 * Retry-After} when the error has a hint. Ordered last, so an application's own advice for the same
 * exceptions wins.
 *
 * <p>Registered by the auto-configuration only ({@link NotComponentScanned}). This class is
 * internal and may change at any time. Thread-safe.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
@Conditional(NotComponentScanned.class)
public class MvcReliabilityExceptionAdvice {

  private final SpringProblems problems;

  /**
   * Creates the advice.
   *
   * @param problems the converter
   */
  public MvcReliabilityExceptionAdvice(SpringProblems problems) {
    this.problems = problems;
  }

  /**
   * Answers one of the library's failures.
   *
   * @param failure the exception
   * @param request the request
   * @return the problem+json response
   */
  @ExceptionHandler({
    ReliabilityException.class,
    CallNotPermittedException.class,
    BulkheadFullException.class,
    RequestNotPermitted.class
  })
  public ResponseEntity<Object> handleReliabilityException(
      Exception failure, HttpServletRequest request) {
    return answer(problems, failure, request);
  }

  static ResponseEntity<Object> answer(
      SpringProblems problems, Throwable failure, HttpServletRequest request) {
    ProblemDetail problem =
        problems.problemFor(
            failure,
            RequestContext.currentRequestId(),
            request.getMethod(),
            request.getRequestURI());
    request.setAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE, problem.errorCode());
    return SpringProblems.entity(problem);
  }
}
