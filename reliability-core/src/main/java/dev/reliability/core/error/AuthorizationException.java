package dev.reliability.core.error;

/**
 * The caller is known but may not do this. Code {@code AUTHORIZATION_FAILED}, 403, never retried.
 *
 * <p>Immutable and thread-safe.
 */
public class AuthorizationException extends ReliabilityException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was refused, safe to show to the client
   */
  public AuthorizationException(String message) {
    super(StandardErrorCode.AUTHORIZATION_FAILED, message);
  }
}
