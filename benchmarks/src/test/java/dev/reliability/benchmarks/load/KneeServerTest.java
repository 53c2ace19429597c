package dev.reliability.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KneeServerTest {

  private static final byte[] REQUEST = HttpConnection.request("/work");

  @Test
  void answersOkOnAKeptAliveConnection() throws Exception {
    try (KneeServer server = KneeServer.start(2, Duration.ofMillis(1));
        HttpConnection connection = new HttpConnection(server.port())) {
      for (int i = 0; i < 5; i++) {
        assertThat(connection.get(REQUEST)).isEqualTo(200);
      }
      assertThat(server.served()).isEqualTo(5);
    }
  }

  @Test
  void rejectsEveryCallWith503UntilHealed() throws Exception {
    try (KneeServer server = KneeServer.start(2, Duration.ofMillis(1));
        HttpConnection connection = new HttpConnection(server.port())) {
      server.setRejectFraction(1.0);
      assertThat(connection.get(REQUEST)).isEqualTo(503);
      assertThat(connection.get(REQUEST)).isEqualTo(503);

      server.setRejectFraction(0.0);

      assertThat(connection.get(REQUEST)).isEqualTo(200);
      assertThat(server.rejected()).isEqualTo(2);
    }
  }

  @Test
  void aBlockingServerAnswersReadinessWhileEveryWorkerIsBusy() throws Exception {
    try (KneeServer server = KneeServer.startBlocking(1, Duration.ofSeconds(5), 4, null);
        HttpConnection busy = new HttpConnection(server.port());
        HttpConnection probe = new HttpConnection(server.port())) {
      Thread slow =
          new Thread(
              () -> {
                try {
                  busy.get(REQUEST);
                } catch (Exception ignored) {
                  // closed at the end of the test
                }
              });
      slow.setDaemon(true);
      slow.start();

      long started = System.nanoTime();
      assertThat(probe.get(HttpConnection.request("/health/ready"))).isEqualTo(200);
      assertThat(System.nanoTime() - started).isLessThan(Duration.ofSeconds(4).toNanos());
    }
  }
}
