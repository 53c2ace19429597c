package dev.reliability.core.connection.jetty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@code java.net.http.WebSocket} client that records what it receives. A client without demand
 * never asks for frames: it reads nothing, so it answers no ping and sees no close frame, like a
 * peer that vanished without closing its TCP connection.
 */
final class Client implements WebSocket.Listener {

  final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
  final CompletableFuture<String> closed = new CompletableFuture<>();
  final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
  final CompletableFuture<String> firstMessage = new CompletableFuture<>();
  private final boolean demand;
  private final StringBuilder text = new StringBuilder();
  volatile WebSocket socket;

  private Client(boolean demand) {
    this.demand = demand;
  }

  static CompletableFuture<Client> connect(HttpClient http, URI uri, boolean demand) {
    Client client = new Client(demand);
    return http.newWebSocketBuilder().buildAsync(uri, client).thenApply(ws -> client);
  }

  static CompletableFuture<Client> connect(HttpClient http, URI uri, boolean demand, String name) {
    Client client = new Client(demand);
    return http.newWebSocketBuilder()
        .header("X-Client", name)
        .buildAsync(uri, client)
        .thenApply(ws -> client);
  }

  static CompletableFuture<Client> connect(HttpClient http, URI uri) {
    return connect(http, uri, true);
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    socket = webSocket;
    opened.complete(webSocket);
    if (demand) {
      webSocket.request(1);
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      messages.add(text.toString());
      firstMessage.complete(text.toString());
      text.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode + " " + reason);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete("error " + error);
  }
}
