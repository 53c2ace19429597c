package dev.reliability.health.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.reliability.health.ComponentHealth;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthReport;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.ResourceUsage;
import dev.reliability.health.spi.ServicePerformance;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/**
 * Writes health reports as JSON with Jackson's streaming generator, in the three {@link
 * HealthFormat}s. Minimal bodies (status only) are written once per status and reused, so a probe
 * answered from cache allocates no JSON.
 *
 * <p>Package-private: shared by the handler and the servlet only. Thread-safe.
 */
final class HealthJson {

  private static final JsonFactory FACTORY = new JsonFactory();

  private static final Map<HealthStatus, byte[]> MINIMAL_JSON = new EnumMap<>(HealthStatus.class);
  private static final Map<HealthStatus, byte[]> MINIMAL_HEALTH_JSON =
      new EnumMap<>(HealthStatus.class);

  static {
    for (HealthStatus s : HealthStatus.values()) {
      MINIMAL_JSON.put(s, ascii("{\"status\":\"" + s.label() + "\"}"));
      MINIMAL_HEALTH_JSON.put(s, ascii("{\"status\":\"" + ietf(s) + "\"}"));
    }
  }

  private HealthJson() {}

  /**
   * Describes the service in the detailed view.
   *
   * @param name the service's name, or null
   * @param version the service's version, or null
   */
  record Service(String name, String version) {}

  /**
   * Writes a report.
   *
   * @param report the report
   * @param format the format
   * @param detailed whether to include messages, details, resources and performance
   * @param up for {@link HealthFormat#MICROPROFILE}: whether the HTTP status says up
   * @param service the service's name and version
   * @return UTF-8 JSON
   */
  static byte[] write(
      HealthReport report, HealthFormat format, boolean detailed, boolean up, Service service) {
    if (!detailed && format == HealthFormat.JSON) {
      return MINIMAL_JSON.get(report.status());
    }
    if (!detailed && format == HealthFormat.HEALTH_JSON) {
      return MINIMAL_HEALTH_JSON.get(report.status());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(detailed ? 2048 : 256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      switch (format) {
        case HEALTH_JSON:
          writeHealthJson(g, report, service);
          break;
        case MICROPROFILE:
          writeMicroProfile(g, report, detailed, up);
          break;
        default:
          writeJson(g, report, service);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Returns the IETF status of a health status.
   *
   * @param s the status
   * @return {@code pass}, {@code warn} or {@code fail}
   */
  static String ietf(HealthStatus s) {
    switch (s) {
      case HEALTHY:
        return "pass";
      case DEGRADED:
        return "warn";
      default:
        return "fail";
    }
  }

  private static void writeJson(JsonGenerator g, HealthReport report, Service service)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("status", report.status().label());
    if (service.name() != null) {
      g.writeStringField("service", service.name());
    }
    if (service.version() != null) {
      g.writeStringField("version", service.version());
    }
    if (!report.message().isEmpty()) {
      g.writeStringField("message", report.message());
    }
    g.writeStringField("timestamp", report.timestamp().toString());
    g.writeNumberField("duration_ms", millis(report.duration()));
    g.writeObjectFieldStart("checks");
    for (ComponentHealth c : report.checks()) {
      HealthCheckResult r = c.result();
      g.writeObjectFieldStart(c.name());
      g.writeStringField("status", r.status().label());
      if (!r.message().isEmpty()) {
        g.writeStringField("message", r.message());
      }
      g.writeBooleanField("critical", c.critical());
      g.writeStringField("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
      g.writeNumberField("duration_ms", millis(r.duration()));
      if (r.checkedAt().isPresent()) {
        g.writeStringField("checked_at", r.checkedAt().get().toString());
      }
      if (!r.details().isEmpty()) {
        g.writeFieldName("details");
        writeValue(g, r.details(), 0);
      }
      g.writeEndObject();
    }
    g.writeEndObject();
    if (report.resources().isPresent()) {
      writeResources(g, report.resources().get());
    }
    if (report.performance().isPresent()) {
      ServicePerformance p = report.performance().get();
      g.writeObjectFieldStart("performance");
      g.writeNumberField("request_count", p.requestCount());
      g.writeNumberField("error_count", p.errorCount());
      g.writeNumberField(
          "average_response_time", round(p.averageResponseTime().toNanos() / 1e9, 6));
      g.writeNumberField("error_rate", round(p.errorRate() * 100, 2));
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void writeResources(JsonGenerator g, ResourceUsage u) throws IOException {
    g.writeObjectFieldStart("resources");
    number(g, "memory_mb", u.memoryMb());
    number(g, "cpu_percent", u.cpuPercent());
    g.writeNumberField("threads", u.threads());
    number(g, "heap_used_mb", u.heapUsedMb());
    number(g, "heap_max_mb", u.heapMaxMb());
    number(g, "system_cpu_percent", u.systemCpuPercent());
    number(g, "load_average", u.loadAverage());
    if (u.openFileDescriptors() >= 0) {
      g.writeNumberField("open_file_descriptors", u.openFileDescriptors());
    }
    if (u.maxFileDescriptors() >= 0) {
      g.writeNumberField("max_file_descriptors", u.maxFileDescriptors());
    }
    if (u.uptime() != null) {
      g.writeNumberField("uptime_seconds", u.uptime().toSeconds());
    }
    g.writeEndObject();
  }

  private static void writeHealthJson(JsonGenerator g, HealthReport report, Service service)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("status", ietf(report.status()));
    if (service.version() != null) {
      g.writeStringField("version", service.version());
    }
    if (service.name() != null) {
      g.writeStringField("serviceId", service.name());
      g.writeStringField("description", "health of " + service.name());
    }
    if (report.status() != HealthStatus.HEALTHY) {
      String output = report.message().isEmpty() ? failingChecks(report) : report.message();
      if (!output.isEmpty()) {
        g.writeStringField("output", output);
      }
    }
    g.writeObjectFieldStart("checks");
    for (ComponentHealth c : report.checks()) {
      HealthCheckResult r = c.result();
      String measurement =
          r.measurement().map(HealthCheckResult.Measurement::name).orElse("status");
      g.writeArrayFieldStart(c.name() + ":" + measurement);
      g.writeStartObject();
      g.writeStringField("componentType", c.kind().componentType());
      if (r.measurement().isPresent()) {
        HealthCheckResult.Measurement m = r.measurement().get();
        g.writeFieldName("observedValue");
        writeNumber(g, m.value());
        if (!m.unit().isEmpty()) {
          g.writeStringField("observedUnit", m.unit());
        }
      }
      g.writeStringField("status", ietf(r.status()));
      if (r.checkedAt().isPresent()) {
        g.writeStringField("time", r.checkedAt().get().toString());
      }
      if (r.status() != HealthStatus.HEALTHY && !r.message().isEmpty()) {
        g.writeStringField("output", r.message());
      }
      g.writeEndObject();
      g.writeEndArray();
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static String failingChecks(HealthReport report) {
    StringBuilder sb = new StringBuilder();
    for (ComponentHealth c : report.checks()) {
      if (c.result().status() != HealthStatus.HEALTHY) {
        sb.append(sb.length() == 0 ? "" : "; ")
            .append(c.name())
            .append(' ')
            .append(c.result().status().label());
        if (!c.result().message().isEmpty()) {
          sb.append(": ").append(c.result().message());
        }
      }
    }
    return sb.toString();
  }

  private static void writeMicroProfile(
      JsonGenerator g, HealthReport report, boolean detailed, boolean up) throws IOException {
    g.writeStartObject();
    g.writeStringField("status", up ? "UP" : "DOWN");
    g.writeArrayFieldStart("checks");
    for (ComponentHealth c : report.checks()) {
      HealthCheckResult r = c.result();
      g.writeStartObject();
      g.writeStringField("name", c.name());
      boolean checkUp = r.status() == HealthStatus.HEALTHY || r.status() == HealthStatus.DEGRADED;
      g.writeStringField("status", checkUp ? "UP" : "DOWN");
      if (detailed) {
        g.writeObjectFieldStart("data");
        g.writeStringField("status", r.status().label());
        if (!r.message().isEmpty()) {
          g.writeStringField("message", r.message());
        }
        for (Map.Entry<String, Object> e : r.details().entrySet()) {
          g.writeFieldName(e.getKey());
          writeFlat(g, e.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** MicroProfile data values are strings, numbers or booleans; anything else becomes JSON text. */
  private static void writeFlat(JsonGenerator g, Object value) throws IOException {
    if (value instanceof Number || value instanceof Boolean || value instanceof CharSequence) {
      writeValue(g, value, 0);
    } else {
      ByteArrayOutputStream nested = new ByteArrayOutputStream();
      try (JsonGenerator n = FACTORY.createGenerator(nested)) {
        writeValue(n, value, 0);
      }
      g.writeString(nested.toString(StandardCharsets.UTF_8));
    }
  }

  private static void writeValue(JsonGenerator g, Object value, int depth) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof CharSequence) {
      g.writeString(value.toString());
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Number n) {
      writeNumber(g, n);
    } else if (depth < 16 && value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue(), depth + 1);
      }
      g.writeEndObject();
    } else if (depth < 16 && value instanceof Collection<?> list) {
      g.writeStartArray();
      for (Object o : list) {
        writeValue(g, o, depth + 1);
      }
      g.writeEndArray();
    } else if (value instanceof Duration d) {
      g.writeString(d.toString());
    } else if (value instanceof TemporalAccessor t) {
      g.writeString(t.toString());
    } else {
      g.writeString(String.valueOf(value));
    }
  }

  private static void writeNumber(JsonGenerator g, Number n) throws IOException {
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        g.writeNull();
      } else {
        g.writeNumber(d);
      }
    } else if (n instanceof Long
        || n instanceof Integer
        || n instanceof Short
        || n instanceof Byte) {
      g.writeNumber(n.longValue());
    } else {
      g.writeNumber(n.toString());
    }
  }

  private static void number(JsonGenerator g, String field, double value) throws IOException {
    if (!Double.isNaN(value) && !Double.isInfinite(value)) {
      g.writeNumberField(field, value);
    }
  }

  private static double millis(Duration d) {
    return round(d.toNanos() / 1e6, 3);
  }

  private static double round(double v, int places) {
    double scale = Math.pow(10, places);
    return Math.round(v * scale) / scale;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
