package dev.reliability.cluster.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} that a test starts on a free loopback port, kills, restarts on the same
 * port and stops: never port 6379, never a server the test did not start. The server keeps no files
 * ({@code --save "" --appendonly no}) and allows {@code DEBUG} from loopback only.
 *
 * <p>The binary is {@code redis-server} on the {@code PATH}, or the file named by the {@code
 * REDIS_SERVER} environment variable. When it is missing, {@link #start()} fails with a message
 * naming Debian's package.
 *
 * <p>Not thread-safe: one test thread drives it. {@link #command(String...)} and {@link
 * #debugSleep(Duration)} open their own short-lived connection each, so they may run on any thread.
 */
public final class RedisServerProcess implements AutoCloseable {

  private static final Duration STARTUP = Duration.ofSeconds(10);

  private final String binary;
  private final int port;
  private final Path log;
  private Process process;

  private RedisServerProcess(String binary, int port, Path log) {
    this.binary = binary;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts a server on a free loopback port and waits until it answers {@code PING}.
   *
   * @return the running server
   * @throws IllegalStateException when {@code redis-server} is not installed
   */
  public static RedisServerProcess start() {
    String binary = findBinary();
    int port = freePort();
    try {
      // Under target/ (the tests' working directory is the module's), kept for a failed test.
      Path dir = Files.createDirectories(Path.of("target", "redis-server"));
      Path log = Files.createTempFile(dir, "port-" + port + "-", ".log");
      RedisServerProcess server = new RedisServerProcess(binary, port, log);
      server.launch();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the Lettuce URI of this server.
   *
   * @return {@code redis://127.0.0.1:<port>}
   */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /**
   * Returns the server's port.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns the process id of the running server.
   *
   * @return the pid
   */
  public long pid() {
    return process.pid();
  }

  /** Kills the server with SIGKILL and waits until the process is gone. */
  public void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server " + process.pid() + " did not die");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    process = null;
  }

  /** Starts the server again on the same port, empty, and waits until it answers. */
  public void restart() {
    kill();
    launch();
  }

  /**
   * Sends one command on a new connection and returns the reply: a {@code String} for status and
   * bulk replies, a {@code Long} for integers, a {@code List} for arrays, {@code null} for nil.
   *
   * @param args the command and its arguments
   * @return the reply
   * @throws IllegalStateException when the server answers with an error
   */
  public Object command(String... args) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (String arg : args) {
        byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
        request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(bytes);
        request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.write(request.toByteArray());
      out.flush();
      return readReply(new BufferedInputStream(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes the server sleep, unable to answer anyone, for {@code duration} ({@code DEBUG SLEEP});
   * returns when it wakes up.
   *
   * @param duration how long the server sleeps
   */
  public void debugSleep(Duration duration) {
    command("DEBUG", "SLEEP", Double.toString(duration.toMillis() / 1000.0));
  }

  /** Kills the server; the log file stays for a failed test to be read. */
  @Override
  public void close() {
    kill();
  }

  private void launch() {
    ProcessBuilder builder =
        new ProcessBuilder(
            binary,
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
            "--enable-debug-command",
            "local");
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process started = process;
    await("redis-server on port " + port + " answers PING (log " + log + ")")
        .atMost(STARTUP)
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptions()
        .until(
            () -> {
              if (!started.isAlive()) {
                throw new AssertionError(
                    "redis-server exited with " + started.exitValue() + "; see " + log);
              }
              return "PONG".equals(command("PING"));
            });
  }

  private static String findBinary() {
    String configured = System.getenv("REDIS_SERVER");
    if (configured != null && !configured.isBlank()) {
      if (new File(configured).canExecute()) {
        return configured;
      }
      throw new IllegalStateException(
          "REDIS_SERVER must name an executable redis-server, was " + configured);
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      File candidate = new File(dir, "redis-server");
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    throw new IllegalStateException(
        "redis-server not found on the PATH: the -Predis tests start their own server; install"
            + " Debian's redis-server package (sudo apt-get install redis-server) or set"
            + " REDIS_SERVER to the binary");
  }

  private static int freePort() {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = socket.getLocalPort();
        if (port != 6379) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free loopback port found");
  }

  private static Object readReply(InputStream in) throws IOException {
    String line = readLine(in);
    char type = line.charAt(0);
    String rest = line.substring(1);
    switch (type) {
      case '+':
        return rest;
      case '-':
        throw new IllegalStateException("redis-server answered an error: " + rest);
      case ':':
        return Long.parseLong(rest);
      case '$':
        {
          int length = Integer.parseInt(rest);
          if (length < 0) {
            return null;
          }
          byte[] data = in.readNBytes(length + 2);
          return new String(data, 0, length, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int count = Integer.parseInt(rest);
          if (count < 0) {
            return null;
          }
          List<Object> items = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            items.add(readReply(in));
          }
          return items;
        }
      default:
        throw new IllegalStateException("unexpected reply from redis-server: " + line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("redis-server closed the connection");
      }
      if (previous == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(b);
      previous = b;
    }
  }
}
