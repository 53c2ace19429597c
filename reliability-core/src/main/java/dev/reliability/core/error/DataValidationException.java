package dev.reliability.core.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request's data is invalid. Code {@code DATA_VALIDATION_ERROR}, 400, never retried. The
 * message is meant for the client and is shown in error responses.
 *
 * <p>Per-field problems go in {@link #fieldErrors()} and in the details under {@code fields}:
 *
 * <pre>{@code
 * throw new DataValidationException(
 *     "The order is invalid", Map.of("quantity", "must be at least 1"));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public class DataValidationException extends ReliabilityException {

  private static final long serialVersionUID = 1L;

  private final transient Map<String, String> fieldErrors;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, for the client
   */
  public DataValidationException(String message) {
    this(message, Map.of());
  }

  /**
   * Creates the exception with per-field problems.
   *
   * @param message what is wrong, for the client
   * @param fieldErrors field name to problem, such as {@code "quantity" -> "must be at least 1"}
   */
  public DataValidationException(String message, Map<String, String> fieldErrors) {
    super(
        StandardErrorCode.DATA_VALIDATION_ERROR,
        message,
        fieldErrors == null || fieldErrors.isEmpty() ? Map.of() : Map.of("fields", fieldErrors),
        null);
    this.fieldErrors =
        fieldErrors == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fieldErrors));
  }

  /**
   * Returns the per-field problems.
   *
   * @return field name to problem, possibly empty
   */
  public Map<String, String> fieldErrors() {
    return fieldErrors;
  }
}
