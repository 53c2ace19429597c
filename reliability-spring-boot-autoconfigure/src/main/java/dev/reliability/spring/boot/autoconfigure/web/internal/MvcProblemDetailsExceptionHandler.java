package dev.reliability.spring.boot.autoconfigure.web.internal;

import dev.reliability.core.context.RequestContext;
import dev.reliability.core.problem.ProblemDetail;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Spring MVC: Spring's own errors (404, 405, 400, 415, ...) as problem+json with the request ID and
 * an error code, and any other exception a handler throws as the library's 500 problem (or the
 * library's own answer for its exceptions). Exceptions annotated with {@link ResponseStatus} are
 * left to Spring, Spring Security's to its filters. Ordered last, so an application's own advice
 * wins; it replaces Spring Boot's {@code ProblemDetailsExceptionHandler} ({@code
 * spring.mvc.problemdetails.enabled}).
 *
 * <p>Registered by the auto-configuration only ({@link NotComponentScanned}). This class is
 * internal and may change at any time. Thread-safe.
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
@Conditional(NotComponentScanned.class)
public class MvcProblemDetailsExceptionHandler extends ResponseEntityExceptionHandler {

  private final SpringProblems problems;

  /**
   * Creates the handler.
   *
   * @param problems the converter
   */
  public MvcProblemDetailsExceptionHandler(SpringProblems problems) {
    this.problems = problems;
  }

  /**
   * Answers an exception no other handler took, as the library's problem for it.
   *
   * @param failure the exception
   * @param request the request
   * @return the problem+json response
   * @throws Exception the failure itself when it carries {@link ResponseStatus} or is Spring
   *     Security's ({@link SpringProblems#leftToOthers})
   */
  @ExceptionHandler(Exception.class)
  public ResponseEntity<Object> handleAnyException(Exception failure, HttpServletRequest request)
      throws Exception {
    if (SpringProblems.leftToOthers(failure)) {
      throw failure;
    }
    return MvcReliabilityExceptionAdvice.answer(problems, failure, request);
  }

  @Override
  protected ResponseEntity<Object> createResponseEntity(
      Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
    if (body instanceof org.springframework.http.ProblemDetail problem
        && request instanceof NativeWebRequest nativeRequest
        && nativeRequest.getNativeRequest() instanceof HttpServletRequest servletRequest) {
      String code =
          problems.decorate(
              problem, RequestContext.currentRequestId(), servletRequest.getRequestURI());
      if (code != null) {
        servletRequest.setAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE, code);
      }
    }
    return super.createResponseEntity(body, headers, statusCode, request);
  }
}
