package dev.reliability.spring.boot.autoconfigure.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.context.DeadlineHeader;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.context.RequestContextAccessor;
import dev.reliability.core.context.RequestIdSanitizer;
import dev.reliability.core.context.RequestIdSanitizer.Rejection;
import dev.reliability.core.time.TimeSource;
import dev.reliability.spring.boot.autoconfigure.web.internal.RequestIdServletFilter;
import dev.reliability.spring.boot.autoconfigure.web.internal.RequestIdWebFilter;
import dev.reliability.tracing.RequestTracing;
import dev.reliability.tracing.servlet.RequestContextServletFilter;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.MDC;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Header values no real client can put on the wire (CR/LF inside a value) reach both request-ID
 * filters here directly: each is replaced by a fresh ID, counted by reason, and never reaches the
 * response, the request context or the MDC.
 */
class RequestIdFiltersRejectHostileIdsTest {

  static Stream<Arguments> hostileIds() {
    return Stream.of(
        Arguments.of("line break", "abc\r\nX-Forged: yes", Rejection.LINE_BREAK),
        Arguments.of("bare line feed", "abc\nforged log line", Rejection.LINE_BREAK),
        Arguments.of("control character", "abc\u0007def", Rejection.CONTROL_CHARACTER),
        Arguments.of("quote", "abc\"def", Rejection.QUOTE),
        Arguments.of("8 KB", "a".repeat(8 * 1024), Rejection.TOO_LONG),
        Arguments.of("space", "abc def", Rejection.DISALLOWED_CHARACTER));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileIds")
  void theServletFilterReplacesAndCountsIt(String name, String hostile, Rejection reason)
      throws Exception {
    RequestIdSanitizer sanitizer = RequestIdSanitizer.builder().build();
    RequestIdServletFilter filter =
        new RequestIdServletFilter(
            new RequestContextServletFilter(RequestTracing.builder().sanitizer(sanitizer).build()));
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/hello");
    request.addHeader("X-Request-ID", hostile);
    MockHttpServletResponse response = new MockHttpServletResponse();
    AtomicReference<String> seen = new AtomicReference<>();
    AtomicReference<String> mdc = new AtomicReference<>();

    filter.doFilter(
        request,
        response,
        new MockFilterChain() {
          @Override
          public void doFilter(
              jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res) {
            seen.set(RequestContext.currentRequestId());
            mdc.set(MDC.get("request_id"));
          }
        });

    String id = response.getHeader("X-Request-ID");
    assertThat(id).matches("[A-Za-z0-9]{16}");
    assertThat(seen.get()).isEqualTo(id);
    assertThat(mdc.get()).isEqualTo(id);
    assertThat(sanitizer.rejectedCount(reason)).isEqualTo(1);
    assertThat(MDC.get("request_id")).as("nothing left on the thread").isNull();
  }

  @Test
  void theWebFiltersAccessLineSays500ForAnErrorNoHandlerAnsweredYet() {
    MdcRecorder access = MdcRecorder.attachTo("dev.reliability.tracing.access");
    try {
      RequestIdWebFilter filter =
          new RequestIdWebFilter(
              RequestIdSanitizer.builder().build(),
              DeadlineHeader.ofDefaults(),
              TimeSource.system(),
              true);
      MockServerWebExchange exchange =
          MockServerWebExchange.from(
              MockServerHttpRequest.get("/boom").header("X-Request-ID", "boom-1"));

      Mono<Void> filtered =
          filter.filter(exchange, e -> Mono.error(new IllegalStateException("boom")));

      assertThatThrownBy(filtered::block).hasMessage("boom");
      assertThat(access.linesContaining("GET /boom"))
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line.mdc())
                      .containsEntry("status", "500")
                      .containsEntry("request_id", "boom-1"));
    } finally {
      access.stop();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileIds")
  void theWebFilterReplacesAndCountsIt(String name, String hostile, Rejection reason) {
    RequestIdSanitizer sanitizer = RequestIdSanitizer.builder().build();
    RequestIdWebFilter filter =
        new RequestIdWebFilter(sanitizer, DeadlineHeader.ofDefaults(), TimeSource.system(), false);
    MockServerWebExchange exchange =
        MockServerWebExchange.from(
            MockServerHttpRequest.get("/hello").header("X-Request-ID", hostile));
    AtomicReference<RequestContext> seen = new AtomicReference<>();

    filter
        .filter(
            exchange,
            e ->
                Mono.deferContextual(
                    c -> {
                      seen.set(c.get(RequestContextAccessor.KEY));
                      return Mono.empty();
                    }))
        .block();

    String id = exchange.getResponse().getHeaders().getFirst("X-Request-ID");
    assertThat(id).matches("[A-Za-z0-9]{16}");
    assertThat(seen.get().requestId()).isEqualTo(id);
    assertThat(RequestIdWebFilter.requestId(exchange)).isEqualTo(id);
    assertThat(sanitizer.rejectedCount(reason)).isEqualTo(1);
  }
}
