package dev.reliability.metrics.internal;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Renders a scrape for the JDK and Servlet handlers: content negotiation between the Prometheus
 * text format 0.0.4 and OpenMetrics 1.0.0, optional {@code name[]} filtering and gzip. Micrometer's
 * Prometheus registry writes the body.
 *
 * <p>Internal: may change at any time.
 */
public final class Scrape {

  /** The Prometheus text format. */
  public static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";

  /** OpenMetrics text. */
  public static final String OPENMETRICS_100 =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private Scrape() {}

  /** A rendered response. */
  public record Response(String contentType, byte[] body, boolean gzipped) {}

  /**
   * Renders the registry.
   *
   * @param registry the registry
   * @param accept the Accept header, or null
   * @param acceptEncoding the Accept-Encoding header, or null
   * @param names the metric names to include ({@code name[]} parameters), empty for all
   * @return the response
   * @throws IOException if writing fails
   */
  public static Response render(
      PrometheusMeterRegistry registry, String accept, String acceptEncoding, Set<String> names)
      throws IOException {
    String contentType = prefersOpenMetrics(accept) ? OPENMETRICS_100 : TEXT_004;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
    boolean gzip = acceptsGzip(acceptEncoding);
    if (gzip) {
      try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
        registry.scrape(out, contentType, names.isEmpty() ? null : names);
      }
    } else {
      registry.scrape(bytes, contentType, names.isEmpty() ? null : names);
    }
    return new Response(contentType, bytes.toByteArray(), gzip);
  }

  /**
   * Returns whether the Accept header ranks OpenMetrics above the Prometheus text format. Media
   * ranges are compared by their {@code q} parameter (default 1); on a tie the one listed first
   * wins; {@code text/plain}, {@code text/*} and {@code *}{@code /*} count as the text format.
   * Never throws; a malformed header means the text format.
   *
   * @param accept the Accept header, or null
   * @return true to answer with OpenMetrics
   */
  public static boolean prefersOpenMetrics(String accept) {
    if (accept == null || accept.isBlank()) {
      return false;
    }
    double openMetrics = -1;
    double text = -1;
    int openMetricsAt = Integer.MAX_VALUE;
    int textAt = Integer.MAX_VALUE;
    String[] ranges = accept.split(",");
    for (int i = 0; i < ranges.length; i++) {
      // Limit -1 keeps empty parts, so a range of only ";" still has a (blank) type at [0].
      String[] parts = ranges[i].split(";", -1);
      String type = parts[0].strip().toLowerCase(Locale.ROOT);
      double q = 1.0;
      for (int p = 1; p < parts.length; p++) {
        String param = parts[p].strip().toLowerCase(Locale.ROOT);
        if (param.startsWith("q=")) {
          q = parseQ(param.substring(2));
        }
      }
      if (q <= 0) {
        continue;
      }
      if (type.equals("application/openmetrics-text")) {
        if (q > openMetrics) {
          openMetrics = q;
          openMetricsAt = i;
        }
      } else if (type.equals("text/plain") || type.equals("text/*") || type.equals("*/*")) {
        if (q > text) {
          text = q;
          textAt = i;
        }
      }
    }
    if (openMetrics < 0) {
      return false;
    }
    return openMetrics > text || (openMetrics == text && openMetricsAt < textAt);
  }

  private static double parseQ(String text) {
    try {
      double q = Double.parseDouble(text.strip());
      return q >= 0 && q <= 1 ? q : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String coding : acceptEncoding.split(",")) {
      String[] parts = coding.split(";", -1);
      if (parts[0].strip().equalsIgnoreCase("gzip")) {
        for (int p = 1; p < parts.length; p++) {
          String param = parts[p].strip().toLowerCase(Locale.ROOT);
          if (param.startsWith("q=") && parseQ(param.substring(2)) <= 0) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }
}
