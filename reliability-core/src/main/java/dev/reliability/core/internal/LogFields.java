package dev.reliability.core.internal;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * The key-value fields of one structured log event, carried in the MDC for the duration of the
 * logging call and restored afterwards. Only the SLF4J 1.7 API is used, so the library's own events
 * work with slf4j-api 1.7 and 2.x alike (Resilience4j 2 still brings 1.7, and Maven picks the
 * nearest version); JSON encoders write MDC entries as fields, and appenders that hand events to
 * another thread copy the MDC when the event arrives. Values are written as their string form; a
 * null value is left out. An MDC entry of the same key that the caller had set is restored after
 * the call.
 *
 * <pre>{@code
 * LogFields.of("event", "circuit_breaker_state_changed").and("policy", name).warn(LOG, "...");
 * }</pre>
 *
 * <p>This class is internal and may change at any time. Not thread-safe: build and log on one
 * thread.
 */
public final class LogFields {

  private static final int DEBUG = 0;
  private static final int INFO = 1;
  private static final int WARN = 2;
  private static final int ERROR = 3;

  private String[] keys = new String[8];
  private String[] values = new String[8];
  private int size;

  private LogFields() {}

  /**
   * Starts the fields of an event.
   *
   * @param key the first key
   * @param value its value, or null to leave it out
   * @return the fields
   */
  public static LogFields of(String key, Object value) {
    return new LogFields().and(key, value);
  }

  /**
   * Adds a field.
   *
   * @param key the key
   * @param value the value, or null to leave it out
   * @return these fields
   */
  public LogFields and(String key, Object value) {
    if (value == null) {
      return this;
    }
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    keys[size] = key;
    values[size] = String.valueOf(value);
    size++;
    return this;
  }

  /**
   * Logs at DEBUG with these fields.
   *
   * @param log the logger
   * @param format the SLF4J message format
   * @param args the format's arguments
   */
  public void debug(Logger log, String format, Object... args) {
    log(log, DEBUG, format, args);
  }

  /**
   * Logs at INFO with these fields.
   *
   * @param log the logger
   * @param format the SLF4J message format
   * @param args the format's arguments
   */
  public void info(Logger log, String format, Object... args) {
    log(log, INFO, format, args);
  }

  /**
   * Logs at WARN with these fields.
   *
   * @param log the logger
   * @param format the SLF4J message format
   * @param args the format's arguments
   */
  public void warn(Logger log, String format, Object... args) {
    log(log, WARN, format, args);
  }

  /**
   * Logs at ERROR with these fields.
   *
   * @param log the logger
   * @param format the SLF4J message format
   * @param args the format's arguments
   */
  public void error(Logger log, String format, Object... args) {
    log(log, ERROR, format, args);
  }

  private void log(Logger log, int level, String format, Object[] args) {
    String[] previous = new String[size];
    int put = 0;
    try {
      for (; put < size; put++) {
        previous[put] = MDC.get(keys[put]);
        MDC.put(keys[put], values[put]);
      }
      switch (level) {
        case DEBUG -> {
          if (args.length == 0) {
            log.debug(format);
          } else {
            log.debug(format, args);
          }
        }
        case INFO -> {
          if (args.length == 0) {
            log.info(format);
          } else {
            log.info(format, args);
          }
        }
        case WARN -> {
          if (args.length == 0) {
            log.warn(format);
          } else {
            log.warn(format, args);
          }
        }
        default -> {
          if (args.length == 0) {
            log.error(format);
          } else {
            log.error(format, args);
          }
        }
      }
    } finally {
      // In reverse, so a key given twice ends with the value the caller had.
      for (int i = put - 1; i >= 0; i--) {
        if (previous[i] == null) {
          MDC.remove(keys[i]);
        } else {
          MDC.put(keys[i], previous[i]);
        }
      }
    }
  }
}
