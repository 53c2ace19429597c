package dev.reliability.spring.boot.autoconfigure.web.internal;

import dev.reliability.core.error.ReliabilityException;
import dev.reliability.core.problem.ProblemDetail;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring WebFlux: the library's exceptions answered as problem+json through Spring's {@link
 * org.springframework.http.ProblemDetail}, with the request ID of {@link RequestIdWebFilter}, the
 * error code and {@code Retry-After}. Ordered last, so an application's own advice wins.
 *
 * <p>Registered by the auto-configuration only ({@link NotComponentScanned}). This class is
 * internal and may change at any time. Thread-safe.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
@Conditional(NotComponentScanned.class)
public class WebFluxReliabilityExceptionAdvice {

  private final SpringProblems problems;

  /**
   * Creates the advice.
   *
   * @param problems the converter
   */
  public WebFluxReliabilityExceptionAdvice(SpringProblems problems) {
    this.problems = problems;
  }

  /**
   * Answers one of the library's failures.
   *
   * @param failure the exception
   * @param exchange the exchange
   * @return the problem+json response
   */
  @ExceptionHandler({
    ReliabilityException.class,
    CallNotPermittedException.class,
    BulkheadFullException.class,
    RequestNotPermitted.class
  })
  public ResponseEntity<Object> handleReliabilityException(
      Exception failure, ServerWebExchange exchange) {
    return answer(problems, failure, exchange);
  }

  static ResponseEntity<Object> answer(
      SpringProblems problems, Throwable failure, ServerWebExchange exchange) {
    ProblemDetail problem =
        problems.problemFor(
            failure,
            RequestIdWebFilter.requestId(exchange),
            exchange.getRequest().getMethod().name(),
            exchange.getRequest().getPath().value());
    exchange.getAttributes().put(ProblemDetail.ERROR_CODE_ATTRIBUTE, problem.errorCode());
    return SpringProblems.entity(problem);
  }
}
