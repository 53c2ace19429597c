package dev.reliability.core.error;

/** An {@link ErrorCode} defined by users through {@link ErrorCode#of}. */
record SimpleErrorCode(String code, int httpStatus, boolean retryable, String title)
    implements ErrorCode {

  @Override
  public String toString() {
    return code;
  }
}
