package dev.reliability.metrics.http;

import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.error.ErrorCode;

/** Turns what an error handler left in a request attribute, or an escaping failure, into a code. */
final class ErrorCodes {

  private ErrorCodes() {}

  static String of(Object attribute, Throwable failure, ErrorClassifier classifier) {
    if (attribute instanceof ErrorCode code) {
      return code.code();
    }
    if (attribute != null) {
      String text = attribute.toString();
      return ErrorCode.CODE_PATTERN.matcher(text).matches() ? text : "invalid";
    }
    if (failure != null) {
      try {
        return classifier.classify(failure).errorCode().code();
      } catch (RuntimeException e) {
        return "INTERNAL_ERROR";
      }
    }
    return null;
  }
}
