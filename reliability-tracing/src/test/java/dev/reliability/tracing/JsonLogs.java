package dev.reliability.tracing;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * A Logback context configured with the one-line include of the shipped JSON configuration, writing
 * to a captured stdout. Used on one thread; close to read the output.
 */
public final class JsonLogs implements AutoCloseable {

  static final String ONE_LINE_CONFIG =
      "<configuration><include resource=\"reliability/logback-json.xml\"/></configuration>";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoggerContext context = new LoggerContext();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final PrintStream originalOut = System.out;
  private boolean closed;

  public JsonLogs(Map<String, String> properties) throws Exception {
    context.setMDCAdapter(MDC.getMDCAdapter());
    properties.forEach(context::putProperty);
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(
        new ByteArrayInputStream(ONE_LINE_CONFIG.getBytes(StandardCharsets.UTF_8)));
  }

  public Logger logger(String name) {
    return context.getLogger(name);
  }

  /** Stops the context (draining the async appender) and returns the raw output. */
  public String text() {
    if (!closed) {
      closed = true;
      context.stop();
      System.setOut(originalOut);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Stops the context and parses every line as one JSON object. */
  public List<JsonNode> lines() throws Exception {
    return new Parsed(text()).lines();
  }

  @Override
  public void close() {
    text();
  }

  /** Parses captured text line by line. */
  public record Parsed(String text) {
    public List<JsonNode> lines() throws Exception {
      List<JsonNode> lines = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (!line.isBlank()) {
          lines.add(JSON.readTree(line));
        }
      }
      return lines;
    }
  }
}
