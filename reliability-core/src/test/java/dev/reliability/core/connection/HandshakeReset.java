package dev.reliability.core.connection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A raw-socket WebSocket client that sends an upgrade request and then resets the TCP connection
 * (SO_LINGER 0, so the close sends RST instead of FIN), as a hostile client does to hold a
 * handshake reservation without ever opening.
 */
public final class HandshakeReset implements AutoCloseable {

  private static final int TIMEOUT_MILLIS = 10_000;

  private final Socket socket;

  private HandshakeReset(Socket socket) {
    this.socket = socket;
  }

  /**
   * Connects and sends the upgrade request for {@code uri} (a {@code ws://} URI).
   *
   * @param uri the endpoint
   * @return the client, with the request sent
   * @throws IOException if the connection fails
   */
  public static HandshakeReset sendUpgrade(URI uri) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), TIMEOUT_MILLIS);
    socket.setSoTimeout(TIMEOUT_MILLIS);
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    String request =
        "GET "
            + target
            + " HTTP/1.1\r\n"
            + "Host: "
            + uri.getHost()
            + ":"
            + uri.getPort()
            + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return new HandshakeReset(socket);
  }

  /**
   * Reads the response's status line and headers, up to the blank line.
   *
   * @return the status line
   * @throws IOException if the connection fails or ends first
   */
  public String readResponseHead() throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (head.length() < 8192 && !head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection ended after: " + head);
      }
      head.append((char) b);
    }
    return head.substring(0, head.indexOf("\r\n"));
  }

  /** Resets the connection: RST, no close handshake. */
  @Override
  public void close() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }
}
