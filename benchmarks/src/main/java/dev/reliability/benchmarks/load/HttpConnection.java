package dev.reliability.benchmarks.load;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection to a loopback port, used by one client thread: sends a GET and
 * reads the status and the {@code Content-Length} body of the answer. No pooling and no parsing
 * beyond what {@link KneeServer} sends, so the client's own cost stays in microseconds.
 *
 * <p>Not thread-safe.
 */
final class HttpConnection implements Transport {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final StringBuilder line = new StringBuilder(64);

  HttpConnection(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 1024);
  }

  /** Sends {@code request} (see {@link #request}) and returns the status code of the answer. */
  @Override
  public int get(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    String status = readLine();
    if (status.length() < 12 || !status.startsWith("HTTP/1.1 ")) {
      throw new IOException("not an HTTP/1.1 status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = 0;
    for (String header = readLine(); !header.isEmpty(); header = readLine()) {
      int colon = header.indexOf(':');
      if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        length = Long.parseLong(header.substring(colon + 1).trim());
      }
    }
    for (long left = length; left > 0; ) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("connection closed in a response body");
        }
        skipped = 1;
      }
      left -= skipped;
    }
    return code;
  }

  /** The bytes of a GET request for {@code path}. */
  static byte[] request(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private String readLine() throws IOException {
    line.setLength(0);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed");
      }
      if (b == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      if (line.length() > 8192) {
        throw new IOException("header line longer than 8192 bytes");
      }
      line.append((char) b);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
