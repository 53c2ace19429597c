package dev.reliability.spring.boot.autoconfigure.websocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket client that records what it receives and how it was closed. */
final class WsClient implements WebSocket.Listener {

  /** The close frame the server sent: its code and reason. */
  record Close(int code, String reason) {}

  final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
  final CompletableFuture<Close> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  WebSocket socket;

  static WsClient connect(HttpClient http, int port, String path) throws Exception {
    WsClient client = new WsClient();
    client.socket =
        http.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(URI.create("ws://127.0.0.1:" + port + path), client)
            .get(10, TimeUnit.SECONDS);
    return client;
  }

  String nextText() throws InterruptedException {
    return texts.poll(10, TimeUnit.SECONDS);
  }

  Close awaitClose() throws Exception {
    return closed.get(10, TimeUnit.SECONDS);
  }

  void abort() {
    if (socket != null) {
      socket.abort();
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      texts.add(partial.toString());
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(new Close(statusCode, reason));
    return null; // the JDK then answers with a close frame
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.completeExceptionally(error);
  }
}
