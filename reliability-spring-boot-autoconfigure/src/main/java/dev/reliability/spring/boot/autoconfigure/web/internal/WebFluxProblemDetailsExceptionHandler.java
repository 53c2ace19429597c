package dev.reliability.spring.boot.autoconfigure.web.internal;

import dev.reliability.core.problem.ProblemDetail;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring WebFlux: Spring's own errors (404, 405, 400, 415, ...) as problem+json with the request ID
 * and an error code, and any other exception a handler throws as the library's problem for it.
 * Exceptions annotated with {@link ResponseStatus} are left to Spring, Spring Security's to its
 * filters. Ordered last; replaces Spring Boot's {@code ProblemDetailsExceptionHandler} ({@code
 * spring.webflux.problemdetails.enabled}).
 *
 * <p>Registered by the auto-configuration only ({@link NotComponentScanned}). This class is
 * internal and may change at any time. Thread-safe.
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
@Conditional(NotComponentScanned.class)
public class WebFluxProblemDetailsExceptionHandler extends ResponseEntityExceptionHandler {

  private final SpringProblems problems;

  /**
   * Creates the handler.
   *
   * @param problems the converter
   */
  public WebFluxProblemDetailsExceptionHandler(SpringProblems problems) {
    this.problems = problems;
  }

  /**
   * Answers an exception no other handler took, as the library's problem for it.
   *
   * @param failure the exception
   * @param exchange the exchange
   * @return the problem+json response
   * @throws Exception the failure itself when it carries {@link ResponseStatus} or is Spring
   *     Security's ({@link SpringProblems#leftToOthers})
   */
  @ExceptionHandler(Exception.class)
  public ResponseEntity<Object> handleAnyException(Exception failure, ServerWebExchange exchange)
      throws Exception {
    if (SpringProblems.leftToOthers(failure)) {
      throw failure;
    }
    return WebFluxReliabilityExceptionAdvice.answer(problems, failure, exchange);
  }

  @Override
  protected Mono<ResponseEntity<Object>> createResponseEntity(
      Object body, HttpHeaders headers, HttpStatusCode statusCode, ServerWebExchange exchange) {
    if (body instanceof org.springframework.http.ProblemDetail problem) {
      String code =
          problems.decorate(
              problem,
              RequestIdWebFilter.requestId(exchange),
              exchange.getRequest().getPath().value());
      if (code != null) {
        exchange.getAttributes().put(ProblemDetail.ERROR_CODE_ATTRIBUTE, code);
      }
    }
    return super.createResponseEntity(body, headers, statusCode, exchange);
  }
}
