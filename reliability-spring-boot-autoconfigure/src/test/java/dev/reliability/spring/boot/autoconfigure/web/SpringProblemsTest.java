package dev.reliability.spring.boot.autoconfigure.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.spring.boot.autoconfigure.web.internal.SpringProblems;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.fixture.DeniedForTest;
import org.springframework.web.bind.annotation.ResponseStatus;

/** The conversion between the library's problems and Spring's, without a server. */
class SpringProblemsTest {

  private final SpringProblems problems = new SpringProblems(ProblemDetailFactory.ofDefaults());

  @Test
  void anOpenBreakerBecomesSpringsProblemWithEveryMemberAndRetryAfter() {
    ResponseEntity<Object> entity =
        SpringProblems.entity(
            problems.problemFor(
                new CircuitOpenException("quote-backend", "OPEN", Duration.ofMillis(2_500)),
                "req-1",
                "GET",
                "/api/quote"));

    assertThat(entity.getStatusCode().value()).isEqualTo(503);
    assertThat(entity.getHeaders().getFirst("Retry-After")).isEqualTo("3");
    assertThat(entity.getHeaders().getContentType()).hasToString("application/problem+json");
    ProblemDetail body = (ProblemDetail) entity.getBody();
    assertThat(body.getTitle()).isEqualTo("A downstream service is temporarily unavailable");
    assertThat(body.getInstance()).hasToString("/api/quote");
    assertThat(body.getProperties())
        .containsEntry("error_code", "CIRCUIT_OPEN")
        .containsEntry("request_id", "req-1")
        .containsEntry("retryable", true)
        .containsEntry("retry_after_seconds", 3L);
  }

  @Test
  void springsMethodNotAllowedDoesNotEchoTheMethodAndGetsOurMembers() {
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.METHOD_NOT_ALLOWED, "Request method 'X-EVIL<script>' is not supported.");

    String code = problems.decorate(body, "req-2", "/api/quote");

    assertThat(code).isEqualTo("METHOD_NOT_ALLOWED");
    assertThat(body.getDetail()).isEqualTo("Method Not Allowed");
    assertThat(body.getProperties())
        .containsEntry("error_code", "METHOD_NOT_ALLOWED")
        .containsEntry("request_id", "req-2")
        .containsEntry("retryable", false);
  }

  @Test
  void aSecretInThePathIsRedactedAndALongPathCutInTheInstance() {
    ProblemDetail body = ProblemDetail.forStatus(HttpStatus.NOT_FOUND);

    problems.decorate(body, null, "/cb?code=4/0Ab&state=1" + "x".repeat(10_000));

    assertThat(body.getInstance().toString()).contains("code=****").hasSizeLessThan(300);
    assertThat(body.getProperties()).doesNotContainKey("request_id");
  }

  @ResponseStatus(HttpStatus.CONFLICT)
  static class AnnotatedException extends RuntimeException {}

  static class SubclassOfSecurityException extends DeniedForTest {}

  @Test
  void theCatchAllLeavesSpringSecurityAndResponseStatusExceptionsToTheirOwners() {
    assertThat(SpringProblems.leftToOthers(new DeniedForTest())).isTrue();
    assertThat(SpringProblems.leftToOthers(new SubclassOfSecurityException())).isTrue();
    assertThat(SpringProblems.leftToOthers(new AnnotatedException())).isTrue();
    assertThat(SpringProblems.leftToOthers(new IllegalStateException())).isFalse();
    assertThat(
            SpringProblems.leftToOthers(
                new CircuitOpenException("quote-backend", "OPEN", Duration.ofSeconds(1))))
        .isFalse();
  }

  @Test
  void aStatusThatIsNotAnErrorIsLeftAlone() {
    ProblemDetail body = ProblemDetail.forStatus(HttpStatus.OK);

    assertThat(problems.decorate(body, "req-3", "/")).isNull();
    assertThat(body.getProperties()).isNull();
  }
}
