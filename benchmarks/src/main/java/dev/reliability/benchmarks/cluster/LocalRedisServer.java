package dev.reliability.benchmarks.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} (Debian's package: {@code apt-get install redis-server}) started on a free
 * loopback port without persistence, for a benchmark's setup; {@link #close()} stops it. Fails with
 * a message naming the package when the program is absent.
 */
final class LocalRedisServer implements AutoCloseable {

  private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Process process;
  private final int port;
  private final Path dir;

  private LocalRedisServer(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /**
   * Starts {@code redis-server} on 127.0.0.1 at a free port and waits until it answers {@code
   * PING}.
   *
   * @return the running server
   * @throws IOException if it cannot be started or does not answer within 10 seconds
   */
  static LocalRedisServer start() throws IOException {
    int port = freePort();
    Path dir = Files.createTempDirectory("bench-redis");
    Process process;
    try {
      process =
          new ProcessBuilder(
                  "redis-server",
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--dir",
                  dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.log").toFile())
              .start();
    } catch (IOException e) {
      throw new IOException(
          "redis-server could not be started (Debian: apt-get install redis-server): "
              + e.getMessage(),
          e);
    }
    LocalRedisServer server = new LocalRedisServer(process, port, dir);
    long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
    while (!server.answersPing()) {
      if (!process.isAlive() || System.nanoTime() - deadline > 0) {
        server.close();
        throw new IOException("redis-server did not answer PING on 127.0.0.1:" + port);
      }
      try {
        // Waits up to 50 ms for the process to end (it failed to start) before asking again.
        process.waitFor(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        server.close();
        throw new IOException("interrupted while redis-server started", e);
      }
    }
    return server;
  }

  /**
   * Returns the URI of the server.
   *
   * @return {@code redis://127.0.0.1:<port>}
   */
  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] answer = in.readNBytes(7);
      return new String(answer, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Stops the server and removes its folder. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (var files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }
}
