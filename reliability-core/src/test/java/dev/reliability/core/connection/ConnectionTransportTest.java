package dev.reliability.core.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionTransportTest {

  @Test
  void theDiscardingTransportCompletesEverySendAtOnceAndIgnoresTheRest() {
    ConnectionTransport<String> transport = ConnectionTransport.discarding();
    List<String> outcomes = new ArrayList<>();
    SendCallback callback =
        new SendCallback() {
          @Override
          public void succeeded() {
            outcomes.add("succeeded");
          }

          @Override
          public void failed(Throwable failure) {
            outcomes.add("failed " + failure);
          }
        };

    transport.sendText("a", "hello", callback);
    transport.sendBinary("a", ByteBuffer.allocate(3), callback);
    transport.sendPing("a", ByteBuffer.allocate(1));
    transport.close("a", CloseStatus.of(CloseStatus.GOING_AWAY, "shutdown"));
    transport.abort("a");

    assertThat(outcomes).containsExactly("succeeded", "succeeded");
    assertThat(ConnectionTransport.<Object>discarding()).isSameAs(transport);
  }
}
