package dev.reliability.examples.support;

import dev.reliability.core.error.AuthenticationException;
import dev.reliability.core.error.AuthorizationException;
import jakarta.servlet.http.HttpServletResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Who may use the example services' {@code /admin/*} endpoints. With an admin token ({@code
 * ADMIN_TOKEN}), a request must carry {@code Authorization: Bearer <token>}, or it is refused with
 * an {@link AuthenticationException} (401) and {@code WWW-Authenticate: Bearer}; the token is
 * compared in constant time (SHA-256 digests compared with {@link MessageDigest#isEqual}), so the
 * time of a refusal says nothing about how much of a guess was right. Without a token, only
 * loopback clients are answered, everyone else gets an {@link AuthorizationException} (403). The
 * client address is the TCP peer's: forwarding headers are not trusted, and host names are never
 * looked up.
 *
 * <p>Each service hooks it into its own stack (a servlet filter, a Spring MVC interceptor); the
 * library renders the refusals as problem+json. Immutable and thread-safe.
 */
public final class AdminAccessRule {

  private static final String BEARER = "bearer";

  private final byte[] tokenDigest;

  /**
   * Creates the rule.
   *
   * @param token the admin token; null or empty to answer loopback clients only
   */
  public AdminAccessRule(String token) {
    this.tokenDigest = token == null || token.isEmpty() ? null : sha256(token);
  }

  /**
   * Refuses a request that may not use the admin endpoints.
   *
   * @param authorization the {@code Authorization} header, or null
   * @param remoteAddress the TCP peer's address literal
   * @param response where {@code WWW-Authenticate} is set on a 401
   * @throws AuthenticationException if a token is configured and the request lacks it
   * @throws AuthorizationException if no token is configured and the client is not on loopback
   */
  public void check(String authorization, String remoteAddress, HttpServletResponse response) {
    if (tokenDigest != null) {
      if (!MessageDigest.isEqual(tokenDigest, sha256(bearerToken(authorization)))) {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"admin\"");
        throw new AuthenticationException(
            "The admin endpoints require Authorization: Bearer with the admin token");
      }
      return;
    }
    if (!isLoopback(remoteAddress)) {
      throw new AuthorizationException(
          "The admin endpoints answer loopback clients only; set ADMIN_TOKEN to allow others");
    }
  }

  /**
   * Returns the credentials of a Bearer header.
   *
   * @param authorization the header, or null
   * @return the credentials, or an empty string if there are none
   */
  public static String bearerToken(String authorization) {
    if (authorization == null
        || authorization.length() <= BEARER.length() + 1
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        || authorization.charAt(BEARER.length()) != ' ') {
      return "";
    }
    return authorization.substring(BEARER.length() + 1).strip();
  }

  /**
   * Returns whether an address literal is a loopback address; host names never are.
   *
   * @param address the literal, IPv6 optionally in brackets
   * @return whether it is a loopback address
   */
  public static boolean isLoopback(String address) {
    if (address == null || address.isEmpty() || address.length() > 64) {
      return false;
    }
    String literal =
        address.startsWith("[") && address.endsWith("]")
            ? address.substring(1, address.length() - 1)
            : address;
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != '.' && c != ':') {
        return false; // not an address literal: no name lookups here
      }
    }
    if (literal.indexOf(':') < 0
        && (literal.chars().anyMatch(c -> c != '.' && (c < '0' || c > '9'))
            || literal.chars().filter(c -> c == '.').count() != 3)) {
      return false; // only dotted quads: anything else could be looked up as a name
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
