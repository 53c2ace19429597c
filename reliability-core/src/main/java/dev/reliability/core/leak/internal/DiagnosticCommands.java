package dev.reliability.core.leak.internal;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Runs HotSpot diagnostic commands through the {@code com.sun.management:type=DiagnosticCommand}
 * MBean, the in-process equivalent of {@code jcmd}.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class DiagnosticCommands {

  private static final String BEAN = "com.sun.management:type=DiagnosticCommand";

  private DiagnosticCommands() {}

  /**
   * Returns whether this JVM offers the class histogram command.
   *
   * @return true on HotSpot-based JVMs that register the bean
   */
  public static boolean classHistogramAvailable() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      return server.isRegistered(new ObjectName(BEAN));
    } catch (JMException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Runs {@code GC.class_histogram}, which forces a full collection and stops the application for
   * its duration.
   *
   * @return the command's text output
   * @throws UnsupportedOperationException if the JVM does not offer the command
   */
  public static String classHistogram() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      Object out =
          server.invoke(
              new ObjectName(BEAN),
              "gcClassHistogram",
              new Object[] {new String[0]},
              new String[] {String[].class.getName()});
      return String.valueOf(out);
    } catch (JMException | RuntimeException e) {
      throw new UnsupportedOperationException(
          "class histograms need the DiagnosticCommand MBean (HotSpot), which failed: " + e, e);
    }
  }
}
