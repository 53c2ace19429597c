package dev.reliability.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

class PrometheusScrapeServletTest {

  @Test
  void servesBothFormatsFromAServletContainer() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("reliability.test.calls").register(prometheus).increment();
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new PrometheusScrapeServlet(prometheus)), "/metrics");
    server.setHandler(context);
    server.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/metrics");
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> text =
          client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> openMetrics =
          client.send(
              HttpRequest.newBuilder(uri)
                  .header("Accept", PrometheusScrapeHandlerTest.PROMETHEUS_ACCEPT)
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(text.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(text.body()).contains("reliability_test_calls_total 1.0");
      assertThat(openMetrics.headers().firstValue("Content-Type"))
          .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
      assertThat(openMetrics.body()).endsWith("# EOF\n");
    } finally {
      server.stop();
    }
  }
}
