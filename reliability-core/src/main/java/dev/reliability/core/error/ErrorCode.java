package dev.reliability.core.error;

import dev.reliability.core.internal.Checks;
import java.util.regex.Pattern;

/**
 * A stable, machine-readable error code with its default classification.
 *
 * <p>The code is what clients and dashboards match on ({@code SERVICE_TIMEOUT}); it never changes
 * once published. The classification (HTTP status, whether a retry may succeed, a short title for
 * people) is the default for every exception that carries the code; an exception may override
 * retryability or status for one instance.
 *
 * <p>The library's own codes are in {@link StandardErrorCode}. Domain teams define theirs with
 * {@link #of(String, int, boolean, String)}:
 *
 * <pre>{@code
 * static final ErrorCode MODEL_NOT_LOADED =
 *     ErrorCode.of("MODEL_NOT_LOADED", 503, true, "The model is not loaded yet");
 * }</pre>
 *
 * <p>Implementations must be immutable and thread-safe.
 */
public interface ErrorCode {

  /** The form every code must have: upper-case letters, digits and underscores. */
  Pattern CODE_PATTERN = Pattern.compile("[A-Z][A-Z0-9_]{1,63}");

  /**
   * Returns the code, such as {@code SERVICE_TIMEOUT}.
   *
   * @return the code, matching {@link #CODE_PATTERN}
   */
  String code();

  /**
   * Returns the HTTP status a server should answer with, such as 504.
   *
   * @return an HTTP status between 400 and 599
   */
  int httpStatus();

  /**
   * Returns whether the same request may succeed if it is retried later (a transient failure).
   *
   * @return true if a retry may succeed
   */
  boolean retryable();

  /**
   * Returns a short, human-readable summary that is safe to show to any client, such as "The
   * upstream service did not respond in time".
   *
   * @return the title
   */
  String title();

  /**
   * Creates an error code.
   *
   * @param code the code, upper-case letters, digits and underscores, 2 to 64 characters
   * @param httpStatus the HTTP status, 400 to 599
   * @param retryable whether a retry may succeed
   * @param title a short summary safe to show to clients
   * @return an immutable error code; two codes are equal when their fields are equal
   * @throws IllegalArgumentException if the code or status is out of range
   * @throws NullPointerException if the code or title is null
   */
  static ErrorCode of(String code, int httpStatus, boolean retryable, String title) {
    Checks.notNull("code", code);
    Checks.check(
        CODE_PATTERN.matcher(code).matches(),
        "code",
        "upper-case letters, digits and underscores (2 to 64 characters, starting with a letter)",
        "\"" + code + "\"");
    Checks.inRange("httpStatus", httpStatus, 400, 599);
    Checks.notBlank("title", title);
    return new SimpleErrorCode(code, httpStatus, retryable, title);
  }
}
