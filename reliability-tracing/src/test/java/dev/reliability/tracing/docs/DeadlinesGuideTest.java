package dev.reliability.tracing.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.Deadline;
import dev.reliability.core.context.DeadlineHeader;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.test.ManualScheduler;
import dev.reliability.test.ManualTimeSource;
import dev.reliability.tracing.HttpClientTracing;
import dev.reliability.tracing.RequestTracing;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The code of docs/deadlines.md, compiled and run. */
class DeadlinesGuideTest {

  private final ManualTimeSource time = ManualTimeSource.create();

  /** Stands for the dependency of the guide's examples. */
  private static final class Backend {
    String fetch(String symbol) {
      return symbol + " 101.5";
    }
  }

  @Test
  void aDeadlineBoundInCodeReachesThePolicy() {
    Backend backend = new Backend();
    String quote;
    try (Policy policy =
        Policy.builder("quotes")
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
            .scheduler(ManualScheduler.create(time))
            .build()) {
      Deadline deadline = Deadline.after(Duration.ofMillis(300), time);
      try (ContextScope scope = deadline.bind()) {
        quote = policy.execute(() -> backend.fetch("ACME"));
      }
    }
    assertThat(quote).isEqualTo("ACME 101.5");
  }

  @Test
  void theFiltersReadTheHeaderWithACap() {
    RequestTracing requestTracing =
        RequestTracing.builder()
            .deadlineHeader(DeadlineHeader.builder().maxInbound(Duration.ofSeconds(10)).build())
            .build();

    assertThat(requestTracing.deadlineHeader().parseMillis("60000")).isEqualTo(10_000);
  }

  @Test
  void theClientSendsTheTimeLeft() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          byte[] body =
              String.valueOf(ex.getRequestHeaders().getFirst(DeadlineHeader.DEFAULT_NAME))
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    try {
      HttpClient client = HttpClient.newHttpClient();
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
              .GET()
              .build();
      try (ContextScope scope = Deadline.after(Duration.ofMillis(300), time).bind()) {
        HttpClientTracing propagation = HttpClientTracing.withoutTracing();
        HttpResponse<String> response =
            propagation.send(client, request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo("300");
      }
    } finally {
      server.stop(0);
    }
  }
}
