package dev.reliability.monitoring.cli;

import dev.reliability.monitoring.MonitoringFiles;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The command line that writes a service's monitoring files: {@code java -jar
 * reliability-monitoring-<version>-cli.jar --service checkout --out monitoring/}. It writes the
 * Prometheus rules, their promtool unit tests, the Alertmanager example and the Grafana dashboard
 * ({@link MonitoringFiles#all}) into {@code --out}, creating it if missing and replacing the files
 * it holds. Options map onto {@link dev.reliability.monitoring.MonitoringDeclaration.Builder};
 * {@code --help} lists them with their defaults.
 *
 * <p>Exit status: 0 when the files were written or usage was printed, 2 for a bad option or value
 * (the message names the option and the values it allows, and nothing is written), 1 when writing
 * failed.
 *
 * <p>Stateless and thread-safe; {@link #run} does not call {@link System#exit}.
 */
public final class Main {

  /** Exit status: the files were written, or usage was printed. */
  public static final int OK = 0;

  /** Exit status: the files could not be written. */
  public static final int WRITE_FAILED = 1;

  /** Exit status: a bad option or value; nothing was written. */
  public static final int USAGE = 2;

  private Main() {}

  /**
   * Runs the command line and exits the JVM with its status.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command line without exiting.
   *
   * @param args the command line
   * @param out where usage and the written file names go
   * @param err where error messages go
   * @return the exit status: {@link #OK}, {@link #WRITE_FAILED} or {@link #USAGE}
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Arguments arguments;
    try {
      arguments = Arguments.parse(args == null ? new String[0] : args);
    } catch (Arguments.UsageException e) {
      err.println("error: " + e.getMessage());
      return USAGE;
    }
    if (arguments.help()) {
      out.print(Arguments.usage());
      return OK;
    }
    Path dir = arguments.out();
    try {
      MonitoringFiles.write(arguments.declaration(), dir);
    } catch (UncheckedIOException e) {
      err.println("error: cannot write the files into " + dir + ": " + e.getCause());
      return WRITE_FAILED;
    }
    for (String name :
        List.of(
            MonitoringFiles.RULES,
            MonitoringFiles.RULE_TESTS,
            MonitoringFiles.ALERTMANAGER,
            MonitoringFiles.DASHBOARD)) {
      out.println("wrote " + dir.resolve(name));
    }
    return OK;
  }
}
