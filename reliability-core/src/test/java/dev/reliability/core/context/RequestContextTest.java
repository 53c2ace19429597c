package dev.reliability.core.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class RequestContextTest {

  @AfterEach
  void clean() {
    ContextHygiene.assertCurrentThreadClean();
  }

  @Test
  void bindMakesTheContextCurrentAndMirrorsItIntoTheMdc() {
    RequestContext context =
        RequestContext.builder("req-42").userId("u-7").tenantId("acme").sessionId("s-1").build();

    try (ContextScope scope = context.bind()) {
      assertThat(RequestContext.current()).contains(context);
      assertThat(RequestContext.currentRequestId()).isEqualTo("req-42");
      assertThat(MDC.getCopyOfContextMap())
          .containsExactlyInAnyOrderEntriesOf(
              java.util.Map.of(
                  "request_id", "req-42",
                  "user_id", "u-7",
                  "tenant_id", "acme",
                  "session_id", "s-1"));
    }

    assertThat(RequestContext.current()).isEmpty();
    assertThat(RequestContext.currentRequestId()).isNull();
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }

  @Test
  void closingRestoresTheCallersOwnMdcValuesNotABlanketClear() {
    MDC.put("request_id", "set-by-caller");
    MDC.put("order_id", "o-1");
    try {
      try (ContextScope scope = RequestContext.of("req-1").bind()) {
        assertThat(MDC.get("request_id")).isEqualTo("req-1");
        assertThat(MDC.get("order_id")).isEqualTo("o-1");
      }
      assertThat(MDC.get("request_id")).isEqualTo("set-by-caller");
      assertThat(MDC.get("order_id")).isEqualTo("o-1");
    } finally {
      MDC.clear();
    }
  }

  @Test
  void nestedScopesRestoreTheOuterContextAndItsFields() {
    RequestContext outer = RequestContext.builder("outer").tenantId("acme").build();
    RequestContext inner = RequestContext.builder("inner").userId("u-9").build();

    try (ContextScope a = outer.bind()) {
      try (ContextScope b = inner.bind()) {
        assertThat(RequestContext.currentRequestId()).isEqualTo("inner");
        assertThat(MDC.get("user_id")).isEqualTo("u-9");
        // The MDC mirrors the inner context exactly: the outer tenant is not shown.
        assertThat(MDC.get("tenant_id")).isNull();
      }
      assertThat(RequestContext.current()).contains(outer);
      assertThat(MDC.get("request_id")).isEqualTo("outer");
      assertThat(MDC.get("tenant_id")).isEqualTo("acme");
      assertThat(MDC.get("user_id")).isNull();
    }
  }

  @Test
  void anExceptionInsideTheScopeStillRestores() {
    assertThatThrownBy(
            () -> {
              try (ContextScope scope = RequestContext.of("req-boom").bind()) {
                throw new IllegalStateException("boom");
              }
            })
        .hasMessage("boom");

    assertThat(RequestContext.current()).isEmpty();
    assertThat(MDC.get("request_id")).isNull();
  }

  @Test
  void closingTwiceDoesNothing() {
    try (ContextScope outer = RequestContext.of("outer").bind()) {
      ContextScope inner = RequestContext.of("inner").bind();
      inner.close();
      inner.close();
      assertThat(RequestContext.currentRequestId()).isEqualTo("outer");
    }
  }

  @Test
  void closingOutOfOrderRestoresTheStateFromBeforeTheClosedScope() {
    ContextScope outer = RequestContext.of("outer").bind();
    RequestContext.of("leaked").bind(); // never closed

    outer.close();

    assertThat(RequestContext.current()).isEmpty();
    assertThat(MDC.get("request_id")).isNull();
  }

  @Test
  void closingOnAnotherThreadIsIgnored() throws Exception {
    ContextScope scope = RequestContext.of("mine").bind();
    try {
      CompletableFuture.runAsync(scope::close).get();
      assertThat(RequestContext.currentRequestId()).isEqualTo("mine");
    } finally {
      scope.close();
    }
  }

  @Test
  void customFieldsKeepTheirOrderAndCanBeDerived() {
    RequestContext context =
        RequestContext.builder("req-1").put("campaign_id", "c-3").put("method", "POST").build();

    RequestContext derived = context.with("method", "GET").with("user_id", "u-1");

    assertThat(context.fields().keySet()).containsExactly("request_id", "campaign_id", "method");
    assertThat(derived.fields())
        .containsExactly(
            java.util.Map.entry("request_id", "req-1"),
            java.util.Map.entry("campaign_id", "c-3"),
            java.util.Map.entry("method", "GET"),
            java.util.Map.entry("user_id", "u-1"));
    assertThat(derived.userId()).contains("u-1");
    assertThat(derived.tenantId()).isEmpty();
    assertThat(derived.get("campaign_id")).contains("c-3");
    assertThat(context.with("request_id", "req-2").requestId()).isEqualTo("req-2");
    assertThat(RequestContext.of("x")).isEqualTo(RequestContext.builder("x").build());
    assertThat(RequestContext.of("x").hashCode())
        .isEqualTo(RequestContext.builder("x").build().hashCode());
    assertThat(RequestContext.of("x")).hasToString("RequestContext{request_id=x}");
  }

  @Test
  void invalidInputIsRejectedWithTheStandardMessages() {
    assertThatThrownBy(() -> RequestContext.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("requestId must not be null");
    assertThatThrownBy(() -> RequestContext.of(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestId must not be blank, was \" \"");
    assertThatThrownBy(() -> RequestContext.builder("r").put("bad key", "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "context key must be 1 to 64 letters, digits, '_', '.' or '-', was \"bad key\"");
    assertThatThrownBy(() -> RequestContext.builder("r").put("k", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value must not be null");
    assertThatThrownBy(() -> RequestContext.builder("r").put("request_id", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestId must not be blank, was \"\"");
  }
}
