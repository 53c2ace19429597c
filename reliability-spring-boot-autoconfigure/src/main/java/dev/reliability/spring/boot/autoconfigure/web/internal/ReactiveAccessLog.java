package dev.reliability.spring.boot.autoconfigure.web.internal;

import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The access line of a reactive request, in the same shape as the servlet filters' ({@code GET
 * /orders 200 12.0ms} on {@value #ACCESS_LOGGER}, INFO, WARN for 5xx), with the request's context
 * bound and {@code status}, {@code duration_ms} and {@code error_code} in the MDC for that one
 * line. A reactive request ends on whatever thread completes it, so the context is bound here for
 * the line rather than assumed.
 *
 * <p>This class is internal and may change at any time. Stateless and thread-safe.
 */
final class ReactiveAccessLog {

  /** The servlet filters' access logger, so one logger configuration covers both stacks. */
  static final String ACCESS_LOGGER = "dev.reliability.tracing.access";

  private static final Logger ACCESS = LoggerFactory.getLogger(ACCESS_LOGGER);
  private static final String[] FIELDS = {"status", "duration_ms", "error_code"};

  private ReactiveAccessLog() {}

  /**
   * Writes the line. Never throws.
   *
   * @param context the request's context
   * @param method the method
   * @param path the raw path
   * @param status the response status
   * @param durationNanos how long the request took
   * @param errorCode the error code a handler stored, or null
   */
  static void write(
      RequestContext context,
      String method,
      String path,
      int status,
      long durationNanos,
      String errorCode) {
    boolean warn = status >= 500;
    if (warn ? !ACCESS.isWarnEnabled() : !ACCESS.isInfoEnabled()) {
      return;
    }
    double millis = (durationNanos / 1_000) / 1000.0;
    String[] values = {Integer.toString(status), Double.toString(millis), errorCode};
    String[] previous = new String[FIELDS.length];
    try (ContextScope scope = context.bind()) {
      try {
        for (int i = 0; i < FIELDS.length; i++) {
          if (values[i] != null) {
            previous[i] = MDC.get(FIELDS[i]);
            MDC.put(FIELDS[i], values[i]);
          }
        }
        if (warn) {
          ACCESS.warn("{} {} {} {}ms", method, path, status, millis);
        } else {
          ACCESS.info("{} {} {} {}ms", method, path, status, millis);
        }
      } finally {
        for (int i = 0; i < FIELDS.length; i++) {
          if (values[i] != null) {
            if (previous[i] == null) {
              MDC.remove(FIELDS[i]);
            } else {
              MDC.put(FIELDS[i], previous[i]);
            }
          }
        }
      }
    } catch (RuntimeException e) {
      ACCESS.warn("Could not write the access line of a request", e);
    }
  }
}
