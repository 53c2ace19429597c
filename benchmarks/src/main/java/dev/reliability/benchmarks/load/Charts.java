package dev.reliability.benchmarks.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Small PNG line charts of a scenario's runs with JFreeChart, one line per limiter: p99 latency per
 * second, and the limit over time. 800 x 400, headless.
 *
 * <p>Stateless.
 */
final class Charts {

  private static final int WIDTH = 800;
  private static final int HEIGHT = 400;

  private static final Color[] PALETTE = {
    new Color(0xd62728),
    new Color(0x1f77b4),
    new Color(0x2ca02c),
    new Color(0xff7f0e),
    new Color(0x9467bd),
    new Color(0x17becf),
    new Color(0x8c564b),
    new Color(0x7f7f7f),
    new Color(0xe377c2),
  };

  private Charts() {}

  /** Writes the p99 latency of each second of each run, with a marker at {@code eventAt} if > 0. */
  static void p99PerSecond(Path file, String title, List<LoadRun> runs, double eventAt)
      throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (LoadRun run : runs) {
      XYSeries series = new XYSeries(run.limiter());
      for (int s = 0; s < run.length(); s++) {
        double p99 = run.percentileMillis(s, 99.0);
        if (!Double.isNaN(p99)) {
          series.add(s + 1, p99);
        }
      }
      data.addSeries(series);
    }
    JFreeChart chart = chart(title, "p99 latency of admitted calls (ms, log scale)", data, eventAt);
    LogAxis log = new LogAxis("p99 latency of admitted calls (ms, log scale)");
    log.setBase(10);
    log.setSmallestValue(1);
    log.setNumberFormatOverride(new DecimalFormat("0"));
    chart.getXYPlot().setRangeAxis(log);
    save(file, chart);
  }

  /**
   * Writes, per second, the calls each run sent to the server (solid) and those that succeeded
   * (dashed), with markers at the {@code events} times.
   */
  static void sentAndGoodput(Path file, String title, List<LoadRun> runs, double... events)
      throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (LoadRun run : runs) {
      XYSeries sent = new XYSeries(run.limiter() + " sent");
      XYSeries ok = new XYSeries(run.limiter() + " succeeded");
      for (int s = 0; s < run.length(); s++) {
        sent.add(s + 1, run.sentIn(s));
        ok.add(s + 1, run.successesIn(s));
      }
      data.addSeries(sent);
      data.addSeries(ok);
    }
    write(file, title, "calls per second", data, events);
  }

  /** Writes the limit samples of each run that has a limit, with a marker at {@code eventAt}. */
  static void limitOverTime(Path file, String title, List<LoadRun> runs, double eventAt)
      throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (LoadRun run : runs) {
      int[] limits = run.limits();
      if (limits.length == 0 || limits[0] < 0) {
        continue;
      }
      XYSeries series = new XYSeries(run.limiter());
      for (int i = 0; i < limits.length; i++) {
        series.add((i + 1) / (double) ClosedLoopLoad.SAMPLES_PER_SECOND, limits[i]);
      }
      data.addSeries(series);
    }
    write(file, title, "limit (calls in flight)", data, eventAt);
  }

  private static void write(
      Path file, String title, String yLabel, XYSeriesCollection data, double... events)
      throws IOException {
    save(file, chart(title, yLabel, data, events));
  }

  private static JFreeChart chart(
      String title, String yLabel, XYSeriesCollection data, double... events) {
    System.setProperty("java.awt.headless", "true");
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title,
            "seconds into the run",
            yLabel,
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    boolean paired = false;
    for (int i = 0; i < data.getSeriesCount(); i++) {
      paired |= data.getSeriesKey(i).toString().endsWith(" succeeded");
    }
    for (int i = 0; i < data.getSeriesCount(); i++) {
      boolean dashed = data.getSeriesKey(i).toString().endsWith(" succeeded");
      // A run's "sent" and "succeeded" lines share its colour.
      renderer.setSeriesPaint(i, PALETTE[(paired ? i / 2 : i) % PALETTE.length]);
      renderer.setSeriesStroke(
          i,
          dashed
              ? new BasicStroke(
                  1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
              : new BasicStroke(1.5f));
    }
    plot.setRenderer(renderer);
    for (double event : events) {
      if (event > 0) {
        plot.addDomainMarker(new ValueMarker(event, Color.DARK_GRAY, new BasicStroke(1f)));
      }
    }
    return chart;
  }

  private static void save(Path file, JFreeChart chart) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    File out = file.toFile();
    ChartUtils.saveChartAsPNG(out, chart, WIDTH, HEIGHT);
  }
}
