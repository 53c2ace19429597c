package dev.reliability.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrometheusScrapeHandlerTest {

  /** The Accept header Prometheus 3 sends. */
  static final String PROMETHEUS_ACCEPT =
      "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
          + "application/openmetrics-text;version=0.0.1;q=0.4,"
          + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,"
          + "text/plain;version=0.0.4;q=0.2,*/*;q=0.1";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    Counter.builder("reliability.test.calls")
        .tag("outcome", "success")
        .register(registry)
        .increment(2);
    Gauge.builder("reliability.test.level", () -> 7).register(registry);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/metrics", PrometheusScrapeHandler.of(registry));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private HttpResponse<byte[]> send(String method, String query, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics" + query))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void servesTheTextFormatByDefault() throws Exception {
    HttpResponse<byte[]> r = send("GET", "");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(text(r))
        .contains("# TYPE reliability_test_calls_total counter")
        .contains("reliability_test_calls_total{outcome=\"success\"} 2.0")
        .contains("reliability_test_level 7.0")
        .doesNotContain("# EOF");
  }

  @Test
  void servesOpenMetricsToPrometheus() throws Exception {
    HttpResponse<byte[]> r = send("GET", "", "Accept", PROMETHEUS_ACCEPT);

    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(text(r))
        .contains("# TYPE reliability_test_calls counter")
        .contains("reliability_test_calls_total{outcome=\"success\"} 2.0")
        .endsWith("# EOF\n");
  }

  @Test
  void gzipsWhenAccepted() throws Exception {
    HttpResponse<byte[]> r = send("GET", "", "Accept-Encoding", "gzip");

    assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
    String body =
        new String(
            new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(body).contains("reliability_test_level 7.0");
  }

  @Test
  void filtersByName() throws Exception {
    HttpResponse<byte[]> r = send("GET", "?name%5B%5D=reliability_test_level");

    assertThat(text(r)).contains("reliability_test_level 7.0").doesNotContain("calls");
  }

  @Test
  void headHasNoBodyAndOtherMethodsAreRefused() throws Exception {
    HttpResponse<byte[]> head = send("HEAD", "");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();

    HttpResponse<byte[]> post = send("POST", "");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void parsesNameParameters() {
    assertThat(PrometheusScrapeHandler.names("name[]=a&x=1&name%5B%5D=b&name[]=%zz&bad"))
        .containsExactly("a", "b", "%zz");
    assertThat(PrometheusScrapeHandler.names(null)).isEmpty();
  }
}
