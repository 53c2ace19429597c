package dev.reliability.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.examples.support.Chaos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The example's backend on its own, over real HTTP on loopback: quotes and injected faults. */
class QuoteBackendTest {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private final QuoteBackend backend = new QuoteBackend();

  @AfterEach
  void close() {
    backend.close();
  }

  private HttpResponse<String> get(String path, String requestId) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(backend.uri().resolve(path))
            .header("X-Request-ID", requestId)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(backend.uri().resolve(path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void listensOnLoopbackAndAnswersAQuoteWithTheCallersRequestId() throws Exception {
    assertThat(backend.uri().getHost()).isEqualTo("127.0.0.1");

    HttpResponse<String> response = get("/quote?symbol=XYZ", "backend-test-1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"symbol\":\"XYZ\"", "\"currency\":\"USD\"");
    assertThat(response.headers().firstValue("X-Request-ID")).hasValue("backend-test-1");
  }

  @Test
  void aQueryOf64KilobytesIsAnsweredQuicklyWithTheDefaultSymbol() throws Exception {
    String hostile = "symbol=" + "A".repeat(32 * 1024) + "&" + "x=y&".repeat(8 * 1024);
    long start = System.nanoTime();

    HttpResponse<String> response = get("/quote?" + hostile, "backend-test-hostile");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"symbol\":\"ACME\"");
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(java.time.Duration.ofSeconds(2));
  }

  @Test
  void aFailureRateOfOneAnswersEveryQuoteWith503ProblemJsonUntilHealed() throws Exception {
    assertThat(post("/admin/chaos?failureRate=1").body())
        .isEqualTo("{\"failure_rate\":1.0,\"latency_ms\":0}");

    HttpResponse<String> failed = get("/quote", "backend-test-2");

    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(failed.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(failed.body()).contains("SERVICE_UNAVAILABLE", "backend-test-2");

    assertThat(post("/admin/chaos?failureRate=0&latencyMs=0").statusCode()).isEqualTo(200);
    assertThat(backend.chaos()).isEqualTo(Chaos.HEALTHY);
    assertThat(get("/quote", "backend-test-3").statusCode()).isEqualTo(200);
  }

  @Test
  void aBadChaosParameterIsRefusedWith400NamingIt() throws Exception {
    HttpResponse<String> response = post("/admin/chaos?latencyMs=ten");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("latencyMs must be a whole number of milliseconds");
    assertThat(backend.chaos()).isEqualTo(Chaos.HEALTHY);
  }

  @Test
  void unknownPathsAndMethodsAreProblems() throws Exception {
    assertThat(get("/nothing", "backend-test-4").statusCode()).isEqualTo(404);
    assertThat(post("/quote").statusCode()).isEqualTo(405);
  }

  @Test
  void closingStopsTheServer() throws Exception {
    URI uri = backend.uri();
    backend.close();

    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    CLIENT.send(
                        HttpRequest.newBuilder(uri.resolve("/quote")).build(),
                        HttpResponse.BodyHandlers.ofString())))
        .isInstanceOf(java.io.IOException.class);
  }
}
