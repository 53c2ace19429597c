package dev.reliability.examples;

import dev.reliability.core.config.Setting;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Who may open {@code /ws}: the key each connection is counted under (the client's address, so one
 * address holds at most {@link #MAX_PER_CLIENT} connections) and the browser origins allowed to
 * open one.
 *
 * <p>Origin rule: a handshake whose {@code Origin} header is present and not in {@link
 * #ALLOWED_ORIGINS} is refused with 403 before any slot is reserved. A handshake without {@code
 * Origin} is admitted: browsers always send it on WebSocket handshakes, so its absence means a
 * non-browser client (a CLI, another service), which could send any value it liked anyway; the
 * check exists to stop other sites' pages from using a visitor's browser (cross-site WebSocket
 * hijacking), and the per-address cap bounds what any client can hold. The empty default allows no
 * browser origin: the example serves no page of its own.
 *
 * <p>Immutable and thread-safe.
 */
final class WebSocketAdmission {

  /**
   * Connections one client address may hold. Environment variable {@code
   * WS_MAX_CONNECTIONS_PER_CLIENT}.
   */
  static final Setting<Integer> MAX_PER_CLIENT =
      Setting.intSetting("ws-max-connections-per-client")
          .defaultValue(5)
          .between(1, 1_000_000)
          .description(
              "Maximum concurrent WebSocket connections on /ws from one client address"
                  + " (environment variable WS_MAX_CONNECTIONS_PER_CLIENT)")
          .build();

  /** Browser origins allowed on {@code /ws}. Environment variable {@code WS_ALLOWED_ORIGINS}. */
  static final Setting<List<String>> ALLOWED_ORIGINS =
      Setting.of("ws-allowed-origins", "origin list", WebSocketAdmission::parseOrigins)
          .defaultValue(List.of())
          .rule(
              origins -> true,
              "comma-separated http or https origins such as https://app.example.com, or empty")
          .description(
              "Comma-separated origins (scheme://host[:port]) whose browser pages may open /ws;"
                  + " handshakes without Origin are admitted, others get 403 (environment variable"
                  + " WS_ALLOWED_ORIGINS)")
          .build();

  private static final byte[] FORBIDDEN =
      "Origin not allowed\n".getBytes(StandardCharsets.US_ASCII);

  private final Set<String> allowedOrigins;

  WebSocketAdmission(List<String> allowedOrigins) {
    this.allowedOrigins = Set.copyOf(allowedOrigins);
  }

  /**
   * Returns the key a handshake's connection is counted under: the client's IP address as the
   * socket sees it (the example listens on loopback and trusts no forwarding header).
   */
  static String clientKey(Request request) {
    return Request.getRemoteAddr(request);
  }

  /**
   * Returns whether the handshake's origin is admitted: absent, or one of the allowed origins
   * (compared without case, as browsers serialise scheme and host in lower case).
   */
  boolean originAllowed(Request request) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    return origin == null || allowedOrigins.contains(origin.toLowerCase(Locale.ROOT));
  }

  /** Answers 403 with a short plain-text body and does not upgrade. */
  static void forbid(Response response, Callback callback) {
    response.setStatus(HttpStatus.FORBIDDEN_403);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
    response.write(true, ByteBuffer.wrap(FORBIDDEN), callback);
  }

  /**
   * Parses the allow-list: comma-separated {@code http} or {@code https} origins without path,
   * query or user info; default ports are dropped, as browsers drop them in {@code Origin}.
   */
  static List<String> parseOrigins(String text) {
    List<String> origins = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String entry = part.strip();
      if (entry.isEmpty()) {
        if (text.isBlank()) {
          continue;
        }
        throw new IllegalArgumentException("empty origin");
      }
      origins.add(normalise(entry));
    }
    return List.copyOf(origins);
  }

  private static String normalise(String entry) {
    URI uri;
    try {
      uri = new URI(entry);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not an origin: " + entry, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean http = scheme.equals("http");
    if ((!http && !scheme.equals("https"))
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("not an origin: " + entry);
    }
    int port = uri.getPort();
    if (port == 0 || port > 65535) {
      throw new IllegalArgumentException("not an origin: " + entry);
    }
    boolean defaultPort = port == -1 || (http ? port == 80 : port == 443);
    return scheme
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port);
  }
}
