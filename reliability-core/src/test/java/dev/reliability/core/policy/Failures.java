package dev.reliability.core.policy;

import dev.reliability.core.error.ServiceUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/** Calls that fail in known ways. */
final class Failures {

  private Failures() {}

  static <T> T unavailable() {
    throw new ServiceUnavailableException("downstream", "down", null);
  }

  static <T> T unavailable(java.util.concurrent.atomic.AtomicInteger attempts) {
    attempts.incrementAndGet();
    return unavailable();
  }

  static <T> Supplier<T> failing() {
    return Failures::unavailable;
  }

  static UncheckedIOException io(String message) {
    return new UncheckedIOException(new IOException(message));
  }
}
