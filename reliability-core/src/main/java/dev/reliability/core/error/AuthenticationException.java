package dev.reliability.core.error;

/**
 * The caller's identity could not be established. Code {@code AUTHENTICATION_FAILED}, 401, never
 * retried. The message is shown to the client, so it must not say which part of a credential was
 * wrong.
 *
 * <p>Immutable and thread-safe.
 */
public class AuthenticationException extends ReliabilityException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what the client must do, such as "A valid API key is required"
   */
  public AuthenticationException(String message) {
    super(StandardErrorCode.AUTHENTICATION_FAILED, message);
  }
}
