package dev.reliability.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example as it runs in production: its own JVM started by {@code main}, stopped by SIGTERM.
 * Readiness turns to 503 while it drains, a WebSocket client is closed with 1001, and the process
 * exits with status 0 (not the 143 of a JVM ended by SIGTERM), every line it wrote being JSON.
 */
class QuoteServiceShutdownTest {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");

  @TempDir Path dir;

  @Test
  void sigtermDrainsWithReadiness503ClosesWebSocketsWith1001AndExitsWithStatus0() throws Exception {
    Path out = dir.resolve("stdout.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                QuoteServiceApplication.class.getName())
            .redirectOutput(out.toFile())
            .redirectError(dir.resolve("stderr.log").toFile());
    builder.environment().put("PORT", "0");
    builder.environment().put("RELIABILITY_HEALTH_SHUTDOWN_DRAIN_TIME", "1s");
    Process service = builder.start();
    try {
      int port =
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> port(out), p -> p > 0);
      URI ready = URI.create("http://127.0.0.1:" + port + "/health/ready");
      await().atMost(Duration.ofSeconds(30)).until(() -> status(ready) == 200);
      CloseCode close = new CloseCode();
      CLIENT
          .newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), close)
          .get(10, TimeUnit.SECONDS);

      service.destroy(); // SIGTERM

      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> status(ready) == 503);
      assertThat(close.code.get(15, TimeUnit.SECONDS)).isEqualTo(1001);
      assertThat(service.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(service.exitValue()).isZero();
      List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
      assertThat(lines).isNotEmpty();
      ObjectMapper json = new ObjectMapper();
      for (String line : lines) {
        assertThat(json.readTree(line).isObject()).as(line).isTrue();
      }
    } finally {
      service.destroyForcibly();
    }
  }

  private static int port(Path out) throws IOException {
    Matcher m = STARTED.matcher(Files.readString(out, StandardCharsets.UTF_8));
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** The status of a GET, or 0 when nothing answers. */
  private static int status(URI uri) {
    try {
      return CLIENT
          .send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** Completes with the close code the server sends. */
  private static final class CloseCode implements WebSocket.Listener {
    final CompletableFuture<Integer> code = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      code.complete(statusCode);
      return null;
    }
  }
}
