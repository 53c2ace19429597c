package dev.reliability.core.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.test.ManualTimeSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final FakeTransport transport = new FakeTransport();
  private final List<Integer> dropEvents = new CopyOnWriteArrayList<>();
  private ConnectionRegistry<FakeConnection> registry;

  private ConnectionRegistry<FakeConnection> build(
      int maxMessages, long maxBytes, OverflowPolicy policy) {
    registry =
        ConnectionRegistry.builder(transport)
            .config(
                ConnectionRegistryTest.config()
                    .outboundQueue(maxMessages, maxBytes, policy)
                    .sendTimeout(Duration.ofSeconds(10))
                    .build())
            .timeSource(time)
            .listener(
                new ConnectionListener() {
                  @Override
                  public void onMessagesDropped(RegisteredConnection<?> connection, int dropped) {
                    dropEvents.add(dropped);
                  }
                })
            .build();
    return registry;
  }

  @AfterEach
  void close() {
    registry.shutdown(Duration.ZERO);
    registry.close();
  }

  @Test
  void sendsOneAtATimeAndQueuesBehindTheSendInFlight() {
    transport.completeImmediately = false;
    build(10, 1_000, OverflowPolicy.CLOSE);
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> r = registry.register(null, c);

    assertThat(r.send("one")).isEqualTo(SendResult.QUEUED);
    assertThat(r.send("two")).isEqualTo(SendResult.QUEUED);
    assertThat(r.send("three")).isEqualTo(SendResult.QUEUED);
    assertThat(c.inFlight).containsExactly("one");
    assertThat(r.queuedMessages()).isEqualTo(2);
    assertThat(r.queuedBytes()).isEqualTo(8);

    c.completeAll();
    assertThat(c.delivered).containsExactly("one", "two", "three");
    assertThat(r.queuedMessages()).isZero();
    assertThat(r.queuedBytes()).isZero();
  }

  @Test
  void dropNewestKeepsTheQueueAndCountsTheDrop() {
    transport.completeImmediately = false;
    build(2, 1_000, OverflowPolicy.DROP_NEWEST);
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> r = registry.register(null, c);

    r.send("in-flight");
    r.send("q1");
    r.send("q2");
    assertThat(r.send("q3")).isEqualTo(SendResult.DROPPED);

    c.completeAll();
    assertThat(c.delivered).containsExactly("in-flight", "q1", "q2");
    assertThat(registry.statistics().droppedMessages()).isEqualTo(1);
    assertThat(dropEvents).containsExactly(1);
    assertThat(r.isOpen()).isTrue();
  }

  @Test
  void dropOldestMakesRoomForTheNewestMessage() {
    transport.completeImmediately = false;
    build(2, 1_000, OverflowPolicy.DROP_OLDEST);
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> r = registry.register(null, c);

    r.send("in-flight");
    r.send("q1");
    r.send("q2");
    assertThat(r.send("q3")).isEqualTo(SendResult.QUEUED_DROPPED_OLDEST);
    assertThat(r.send("q4")).isEqualTo(SendResult.QUEUED_DROPPED_OLDEST);

    c.completeAll();
    assertThat(c.delivered).containsExactly("in-flight", "q3", "q4");
    assertThat(registry.statistics().droppedMessages()).isEqualTo(2);
  }

  @Test
  void dropOldestDropsAsManyAsTheByteBoundNeeds() {
    transport.completeImmediately = false;
    build(100, 10, OverflowPolicy.DROP_OLDEST);
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> r = registry.register(null, c);

    r.send("in-flight");
    r.send("aaa");
    r.send("bbb");
    r.send("ccc");
    assertThat(r.send("dddddddd")).isEqualTo(SendResult.QUEUED_DROPPED_OLDEST);
    assertThat(r.send("much too large")).isEqualTo(SendResult.DROPPED);

    c.completeAll();
    assertThat(c.delivered).containsExactly("in-flight", "dddddddd");
    assertThat(dropEvents).containsExactly(3, 1);
  }

  @Test
  void closePolicyClosesTheSlowConsumerWith1008() {
    transport.completeImmediately = false;
    build(1, 1_000, OverflowPolicy.CLOSE);
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> r = registry.register(null, c);

    r.send("in-flight");
    r.send("q1");
    assertThat(r.send("q2")).isEqualTo(SendResult.CLOSED);

    assertThat(r.isOpen()).isFalse();
    assertThat(r.queuedMessages()).isZero();
    assertThat(transport.closeOf(c)).isEqualTo(CloseStatus.of(1008, "Send queue full"));
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.SLOW_CONSUMER, 1L);
    assertThat(r.send("after")).isEqualTo(SendResult.CLOSED);
    c.completeAll();
    assertThat(c.delivered).containsExactly("in-flight");
  }

  @Test
  void theByteBoundCountsTextInUtf8() {
    transport.completeImmediately = false;
    build(100, 6, OverflowPolicy.DROP_NEWEST);
    RegisteredConnection<FakeConnection> r = registry.register(null, new FakeConnection("c"));

    r.send("in-flight");
    assertThat(r.send("\u00e9\u00e9")).isEqualTo(SendResult.QUEUED);
    assertThat(r.queuedBytes()).isEqualTo(4);
    assertThat(r.send("\u20ac")).isEqualTo(SendResult.DROPPED);
    assertThat(r.send(ByteBuffer.allocate(2))).isEqualTo(SendResult.QUEUED);
    assertThat(r.queuedBytes()).isEqualTo(6);
  }

  @Test
  void aMessageLargerThanTheBoundGoesOutWhenNothingIsWaiting() {
    build(1, 4, OverflowPolicy.DROP_NEWEST);
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> r = registry.register(null, c);

    assertThat(r.send("larger than four bytes")).isEqualTo(SendResult.QUEUED);
    assertThat(c.delivered).containsExactly("larger than four bytes");
  }

  @Test
  void theWatchdogClosesAStalledSendWithoutAnyOtherSender() {
    transport.completeImmediately = false;
    build(10, 1_000, OverflowPolicy.CLOSE);
    FakeConnection stalled = new FakeConnection("stalled");
    FakeConnection healthy = new FakeConnection("healthy");
    RegisteredConnection<FakeConnection> r = registry.register(null, stalled);
    registry.register(null, healthy);
    r.send("never completes");

    time.advance(Duration.ofSeconds(9));
    assertThat(registry.sweep()).isZero();
    time.advance(Duration.ofSeconds(1));
    assertThat(registry.sweep()).isEqualTo(1);

    assertThat(transport.closeOf(stalled)).isEqualTo(CloseStatus.of(1008, "Send timed out"));
    assertThat(transport.aborts).containsExactly(stalled);
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.SEND_STALLED, 1L);
    assertThat(registry.find(healthy)).isPresent();
  }

  @Test
  void aSendAfterTheLimitClosesAStalledConnectionAtOnce() {
    transport.completeImmediately = false;
    build(10, 1_000, OverflowPolicy.CLOSE);
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> r = registry.register(null, c);
    r.send("never completes");

    time.advance(Duration.ofSeconds(10));
    assertThat(r.send("next")).isEqualTo(SendResult.CLOSED);
    assertThat(transport.closeOf(c)).isEqualTo(CloseStatus.of(1008, "Send timed out"));
  }

  @Test
  void aCompletedSendResetsTheWatchdog() {
    transport.completeImmediately = false;
    build(10, 1_000, OverflowPolicy.CLOSE);
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> r = registry.register(null, c);
    r.send("first");
    r.send("second");

    time.advance(Duration.ofSeconds(9));
    c.completeOne();
    time.advance(Duration.ofSeconds(9));
    registry.sweep();

    assertThat(r.isOpen()).isTrue();
    assertThat(c.inFlight).containsExactly("second");
  }

  @Test
  void aFailedSendClosesTheConnection() {
    build(10, 1_000, OverflowPolicy.CLOSE);
    FakeConnection c = new FakeConnection("c");
    c.failSends = true;
    RegisteredConnection<FakeConnection> r = registry.register(null, c);

    r.send("boom");

    assertThat(r.isOpen()).isFalse();
    assertThat(transport.closeOf(c)).isEqualTo(CloseStatus.of(1011, "Send failed"));
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.SEND_FAILED, 1L);
  }

  @Test
  void transportsThatCompleteSynchronouslyDoNotGrowTheStack() {
    build(100_000, 1L << 30, OverflowPolicy.CLOSE);
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> r = registry.register(null, c);

    for (int i = 0; i < 50_000; i++) {
      assertThat(r.send("m" + i)).isEqualTo(SendResult.QUEUED);
    }
    assertThat(c.delivered).hasSize(50_000).startsWith("m0", "m1").endsWith("m49999");
  }

  @Test
  void broadcastNeverWaitsForASlowClient() {
    transport.completeImmediately = true;
    build(1, 1_000, OverflowPolicy.DROP_NEWEST);
    List<FakeConnection> fast = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      FakeConnection c = new FakeConnection("fast" + i);
      fast.add(c);
      registry.register(null, c);
    }
    FakeConnection slow = new FakeConnection("slow");
    slow.stalled = true;
    registry.register("slow", slow);

    int first = registry.broadcast("tick1");
    int second = registry.broadcast("tick2");
    int third = registry.broadcast(ByteBuffer.wrap(new byte[] {1, 2}));

    assertThat(first).isEqualTo(4);
    assertThat(second).isEqualTo(4);
    assertThat(third).isEqualTo(3);
    for (FakeConnection c : fast) {
      assertThat(c.delivered).containsExactly("tick1", "tick2", "bytes:2");
    }
    assertThat(slow.inFlight).containsExactly("tick1");
    assertThat(registry.broadcast(r -> "slow".equals(r.key()), "only slow")).isZero();
    assertThat(registry.broadcast(r -> r.key() == null, "only fast")).isEqualTo(3);
  }
}
