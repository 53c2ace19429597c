package dev.reliability.core.shedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoadShedderTest {

  private static final Function<String, String> NO_HEADERS = h -> null;

  private final ManualTimeSource time = ManualTimeSource.create();

  private LoadShedder shedder(int limit, Map<String, Double> partitions) {
    AdaptiveLimitConfig.Builder b =
        AdaptiveLimitConfig.builder().minLimit(limit).maxLimit(limit).initialLimit(limit);
    partitions.forEach(b::partition);
    return LoadShedder.builder(
            LoadSheddingConfig.builder()
                .limit(b.build())
                .exemptPaths(List.of("/health", "/static/"))
                .build())
        .timeSource(time)
        .build();
  }

  @ParameterizedTest(name = "{0} exempt: {1}")
  @CsvSource({
    "/health, true",
    "/health/live, true",
    "/health/ready, true",
    "/health/startup, true",
    "/health/ready/, true",
    "/healthz, false",
    "/health-report, false",
    "/api/health, false",
    "/static/app.js, true",
    "/static, false",
    "/health/../api/orders, false",
    "/health/./ready, false",
    "/health/.., false",
    "/health/%2e%2e/api, false",
    "/health/.well-known, true",
    "'', false",
  })
  void exemptPathsMatchExactlyOrAsAPrefixEndingAtASlash(String path, boolean exempt) {
    assertThat(shedder(1, Map.of()).isExempt(path)).isEqualTo(exempt);
  }

  @Test
  void aTicketReleasesItsPermitOnceWhateverEndsIt() {
    LoadShedder shedder = shedder(2, Map.of());
    LoadShedder.Ticket a = shedder.acquire("GET", "/api", NO_HEADERS);
    LoadShedder.Ticket b = shedder.acquire("GET", "/api", NO_HEADERS);
    assertThat(shedder.limiter().inFlight()).isEqualTo(2);

    a.complete(200);
    a.fail(new IllegalStateException());
    a.abandon();
    a.complete(200);

    assertThat(shedder.limiter().inFlight()).isEqualTo(1);
    assertThat(b.admitted()).isTrue();
  }

  @Test
  void shedAndExemptTicketsHoldNothingAndEndingThemDoesNothing() {
    LoadShedder shedder = shedder(1, Map.of());
    LoadShedder.Ticket held = shedder.acquire("GET", "/api", NO_HEADERS);
    LoadShedder.Ticket shed = shedder.acquire("GET", "/api", NO_HEADERS);
    LoadShedder.Ticket probe = shedder.acquire("GET", "/health/ready", NO_HEADERS);

    assertThat(shed.admitted()).isFalse();
    assertThat(probe.admitted()).isTrue();
    assertThat(probe.exempt()).isTrue();
    shed.complete(200);
    probe.complete(200);
    assertThat(shedder.limiter().inFlight()).isEqualTo(1);
    held.abandon();
    assertThat(shedder.limiter().inFlight()).isZero();
    assertThat(shedder.admittedCount()).isEqualTo(1);
    assertThat(shedder.shedCount()).isEqualTo(1);
    assertThat(shedder.exemptCount()).isEqualTo(1);
    assertThat(shedder.shedCounts()).containsExactly(Map.entry("default", 1L));
  }

  @Test
  void aPreferredClassKeepsItsShareWhileTheDefaultIsShed() {
    LoadShedder shedder = shedder(4, Map.of("interactive", 0.5));
    Function<String, String> interactive = h -> h.equals("X-Traffic-Class") ? "interactive" : null;
    assertThat(shedder.acquire("GET", "/api", NO_HEADERS).admitted()).isTrue();
    assertThat(shedder.acquire("GET", "/api", NO_HEADERS).admitted()).isTrue();
    assertThat(shedder.acquire("GET", "/api", NO_HEADERS).admitted()).isFalse();

    assertThat(shedder.acquire("GET", "/api", interactive).admitted()).isTrue();
    assertThat(shedder.acquire("GET", "/api", interactive).admitted()).isTrue();
    assertThat(shedder.acquire("GET", "/api", interactive).admitted()).isFalse();
    assertThat(shedder.shedCount("default")).isEqualTo(1);
    assertThat(shedder.shedCount("interactive")).isEqualTo(1);
    assertThat(shedder.shedCount("nope")).isZero();
  }

  @Test
  void aHugeTrafficClassHeaderGoesToTheDefaultPartitionAndIsCounted() {
    LoadShedder shedder = shedder(4, Map.of("interactive", 0.5));
    String huge = "interactive" + " ".repeat(64 * 1024);
    assertThat(shedder.trafficClass("GET", "/api", h -> huge)).isEqualTo("default");
    assertThat(shedder.trafficClass("GET", "/api", h -> "  interactive\t"))
        .isEqualTo("interactive");
    assertThat(shedder.unknownTrafficClassCount()).isEqualTo(1);
  }

  @Test
  void aClassifierThatThrowsPutsTheRequestInTheDefaultPartition() {
    LoadShedder shedder =
        LoadShedder.builder(
                LoadSheddingConfig.builder()
                    .limit(AdaptiveLimitConfig.builder().partition("interactive", 0.5).build())
                    .build())
            .trafficClassifier(
                (method, path, headers) -> {
                  throw new IllegalStateException("broken classifier");
                })
            .build();
    assertThat(shedder.trafficClass("GET", "/api", NO_HEADERS)).isEqualTo("default");
  }

  @Test
  void theProblemOfAShedRequestIsA503WithTheRetryAfterAndTheRequestId() {
    LoadShedder shedder = shedder(1, Map.of());
    shedder.acquire("GET", "/api", NO_HEADERS);
    LoadShedder.Ticket shed = shedder.acquire("GET", "/api", NO_HEADERS);

    ProblemDetail problem = shedder.problem(shed, "req-1", "/api/orders");

    assertThat(problem.status()).isEqualTo(503);
    assertThat(problem.retryable()).isTrue();
    assertThat(problem.retryAfterHeader()).hasValue("1");
    assertThat(problem.requestId()).hasValue("req-1");
    assertThat(problem.instance()).hasValue("/api/orders");
    assertThat(problem.errorCode()).isEqualTo("CONCURRENCY_LIMIT_EXCEEDED");
    assertThat(problem.details())
        .containsEntry("component", "inbound")
        .containsEntry("limit", 1)
        .containsEntry("partition", "default")
        .containsEntry("retry_after_ms", 1000L);
  }

  @Test
  void theRequestIdComesFromTheBoundContextFirst() {
    LoadShedder shedder = shedder(1, Map.of());
    assertThat(shedder.requestId(h -> "from-header")).isEqualTo("from-header");
    try (ContextScope scope = RequestContext.of("from-context").bind()) {
      assertThat(shedder.requestId(h -> "from-header")).isEqualTo("from-context");
    }
    assertThat(shedder.requestId(h -> "bad id\n")).hasSize(16).doesNotContain(" ");
  }

  @Test
  void timeOutsAreDropsThatShrinkTheLimitAndFastFailuresAreNoSamples() {
    LoadShedder shedder =
        LoadShedder.builder(
                LoadSheddingConfig.builder()
                    .limit(
                        AdaptiveLimitConfig.builder()
                            .algorithm(AdaptiveLimitConfig.Algorithm.AIMD)
                            .initialLimit(20)
                            .build())
                    .build())
            .timeSource(time)
            .build();
    // Fast failures and abandoned requests: no samples, so no window ends and the limit stays.
    for (int i = 0; i < 30; i++) {
      LoadShedder.Ticket t = shedder.acquire("GET", "/api", NO_HEADERS);
      time.advance(Duration.ofMillis(1));
      if (i % 3 == 0) {
        t.complete(500);
      } else if (i % 3 == 1) {
        t.fail(new IllegalStateException());
      } else {
        t.abandon();
      }
    }
    assertThat(shedder.limiter().limit()).isEqualTo(20);
    assertThat(shedder.limiter().latencyEstimateNanos()).isZero();

    // Time-outs, by status or by failure: drops, the limit backs off.
    for (int i = 0; i < 10; i++) {
      LoadShedder.Ticket t = shedder.acquire("GET", "/api", NO_HEADERS);
      time.advance(Duration.ofMillis(1));
      if (i % 2 == 0) {
        t.complete(504);
      } else {
        t.fail(new ServiceTimeoutException("backend", Duration.ofSeconds(1)));
      }
    }
    assertThat(shedder.limiter().limit()).isLessThan(20);
  }
}
