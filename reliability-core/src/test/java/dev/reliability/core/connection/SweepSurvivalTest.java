package dev.reliability.core.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.test.ManualTimeSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry's sweeper thread survives Errors from the transport and from listeners: a later idle
 * connection is still closed.
 */
class SweepSurvivalTest {

  private static final Duration IDLE = Duration.ofSeconds(30);

  private final ManualTimeSource time = ManualTimeSource.create();
  private final List<String> closed = new CopyOnWriteArrayList<>();
  private final ConnectionRegistry<String> registry =
      ConnectionRegistry.builder(
              new ConnectionTransport<String>() {
                @Override
                public void sendText(String c, String text, SendCallback callback) {
                  callback.succeeded();
                }

                @Override
                public void sendBinary(String c, ByteBuffer data, SendCallback callback) {
                  callback.succeeded();
                }

                @Override
                public void sendPing(String c, ByteBuffer payload) {}

                @Override
                public void close(String c, CloseStatus status) {
                  closed.add(c);
                  if (c.equals("first")) {
                    throw new StackOverflowError("transport recursed");
                  }
                }
              })
          .config(
              ConnectionRegistryConfig.builder()
                  .name("sweep-survival")
                  .maxConnections(10)
                  .idleTimeout(IDLE)
                  .sweepInterval(Duration.ofMillis(5))
                  .drainTimeout(Duration.ZERO)
                  .build())
          .timeSource(time)
          .listener(
              new ConnectionListener() {
                @Override
                public void onUnregistered(RegisteredConnection<?> connection, CloseCause cause) {
                  throw new OutOfMemoryError("listener under pressure");
                }
              })
          .build();

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void errorsFromTheTransportAndListenersDoNotStopTheSweeper() {
    registry.register(null, "first");
    time.advance(IDLE.dividedBy(2));
    registry.register(null, "second");

    time.advance(IDLE.dividedBy(2));
    await().atMost(5, TimeUnit.SECONDS).until(() -> closed.contains("first"));
    time.advance(IDLE.dividedBy(2));

    await().atMost(5, TimeUnit.SECONDS).until(() -> closed.contains("second"));
    assertThat(registry.statistics().active()).isZero();
  }
}
