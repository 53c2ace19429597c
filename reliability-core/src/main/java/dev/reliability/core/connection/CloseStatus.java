package dev.reliability.core.connection;

import dev.reliability.core.internal.Checks;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A WebSocket close frame's status code and reason (RFC 6455 section 7.4), as the registry sends
 * it.
 *
 * <p>Only codes an endpoint may put on the wire are accepted: 1000 to 1003, 1007 to 1014 and the
 * application range 3000 to 4999. The codes 1005 ("no status"), 1006 ("abnormal closure") and 1015
 * ("TLS failure") exist only to be reported locally and are refused, as are 1004 and the rest of
 * the reserved range. The reason must fit a control frame: at most 123 bytes in UTF-8.
 *
 * <pre>{@code
 * CloseStatus overloaded = CloseStatus.of(1013, "Try again later");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class CloseStatus {

  /** Largest reason, in UTF-8 bytes, that fits a close frame (125 minus the 2-byte code). */
  public static final int MAX_REASON_BYTES = 123;

  /** 1000: the purpose of the connection has been fulfilled. */
  public static final int NORMAL_CLOSURE = 1000;

  /** 1001: the endpoint is going away (server shutting down, idle or expired connection). */
  public static final int GOING_AWAY = 1001;

  /** 1008: the peer broke a policy (seed 000 uses it at capacity; also slow consumers). */
  public static final int POLICY_VIOLATION = 1008;

  /** 1011: the server met an unexpected condition. */
  public static final int INTERNAL_ERROR = 1011;

  /** 1012: the service is restarting; clients may reconnect. */
  public static final int SERVICE_RESTART = 1012;

  /** 1013: temporary condition such as overload; clients should try again later. */
  public static final int TRY_AGAIN_LATER = 1013;

  private final int code;
  private final String reason;

  private CloseStatus(int code, String reason) {
    this.code = code;
    this.reason = reason;
  }

  /**
   * Creates a close status.
   *
   * @param code a code that may be sent: 1000-1003, 1007-1014 or 3000-4999
   * @param reason the reason text, possibly empty, at most {@value #MAX_REASON_BYTES} UTF-8 bytes
   * @return the status
   * @throws NullPointerException if {@code reason} is null
   * @throws IllegalArgumentException if the code may not be sent or the reason is too long
   */
  public static CloseStatus of(int code, String reason) {
    Checks.notNull("reason", reason);
    Checks.check(
        isSendable(code),
        "close code",
        "a code that may be sent (1000-1003, 1007-1014 or 3000-4999)",
        code);
    int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
    Checks.check(
        bytes <= MAX_REASON_BYTES,
        "close reason",
        "at most " + MAX_REASON_BYTES + " bytes in UTF-8",
        bytes + " bytes");
    return new CloseStatus(code, reason);
  }

  /**
   * Returns whether an endpoint may send {@code code} in a close frame.
   *
   * @param code the status code
   * @return true for 1000-1003, 1007-1014 and 3000-4999
   */
  public static boolean isSendable(int code) {
    return (code >= 1000 && code <= 1003)
        || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
  }

  /**
   * Returns the status code.
   *
   * @return the code
   */
  public int code() {
    return code;
  }

  /**
   * Returns the reason text.
   *
   * @return the reason, possibly empty
   */
  public String reason() {
    return reason;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CloseStatus s && s.code == code && s.reason.equals(reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, reason);
  }

  @Override
  public String toString() {
    return code + (reason.isEmpty() ? "" : " " + reason);
  }
}
