package dev.reliability.core.leak.internal;

/**
 * Tells whether JFR is present without loading any {@code jdk.jfr} class.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class JfrSupport {

  private JfrSupport() {}

  /**
   * Returns whether the {@code jdk.jfr} module is in the boot layer.
   *
   * @return true if JFR recordings can be made
   */
  public static boolean available() {
    return ModuleLayer.boot().findModule("jdk.jfr").isPresent();
  }
}
