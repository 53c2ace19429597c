package dev.reliability.health.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.HealthStatusChange;
import dev.reliability.test.ManualTimeSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook notifier's loop that releases held alerts survives an Error from an alert, so later
 * held alerts are still sent.
 */
class WebhookReleaseLoopTest {

  private static final Duration COOLDOWN = Duration.ofMinutes(5);

  private final ManualTimeSource time = ManualTimeSource.create();
  private final AtomicInteger posts = new AtomicInteger();
  private HttpServer receiver;
  private WebhookAlertNotifier notifier;

  @BeforeEach
  void start() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          posts.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    notifier =
        WebhookAlertNotifier.builder(
                URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"))
            .timeSource(time)
            .configSource(ConfigSource.empty())
            .tick(Duration.ofMillis(5))
            .build();
  }

  @AfterEach
  void stop() {
    notifier.close();
    receiver.stop(0);
  }

  /** A detail whose serialisation overflows the stack. */
  public static final class Recursive {
    /**
     * Throws as a deeply recursive structure would.
     *
     * @return never
     */
    public String getValue() {
      throw new StackOverflowError("detail recursed");
    }
  }

  private HealthStatusChange change(String subject, HealthStatus to, Object detail) {
    return new HealthStatusChange(
        subject,
        HealthStatusChange.SubjectType.CHECK,
        to == HealthStatus.HEALTHY ? HealthStatus.UNHEALTHY : HealthStatus.HEALTHY,
        to,
        "",
        Map.of("detail", detail),
        time.now());
  }

  @Test
  void aHeldAlertThatThrowsStackOverflowErrorDoesNotStopTheReleaseOfLaterOnes() {
    notifier.onStatusChanged(change("database", HealthStatus.UNHEALTHY, "plain"));
    time.advance(Duration.ofMinutes(1));
    notifier.onStatusChanged(change("cache", HealthStatus.UNHEALTHY, "plain"));
    await().atMost(5, TimeUnit.SECONDS).until(() -> notifier.sentCount() == 2);
    notifier.onStatusChanged(change("database", HealthStatus.HEALTHY, new Recursive()));
    time.advance(COOLDOWN.minusMinutes(1)); // the database's cooldown ends: its change is released
    await().atMost(5, TimeUnit.SECONDS).until(() -> notifier.failedCount() == 1);

    notifier.onStatusChanged(change("cache", HealthStatus.HEALTHY, "plain")); // held a minute
    time.advance(Duration.ofMinutes(1));

    await().atMost(5, TimeUnit.SECONDS).until(() -> notifier.sentCount() == 3);
    assertThat(posts).hasValue(3);
  }

  @Test
  void aDeliveredAlertThatThrowsStackOverflowErrorIsCountedAsFailed() {
    notifier.onStatusChanged(change("database", HealthStatus.UNHEALTHY, new Recursive()));

    await().atMost(5, TimeUnit.SECONDS).until(() -> notifier.failedCount() == 1);
    assertThat(notifier.sentCount()).isZero();
  }
}
