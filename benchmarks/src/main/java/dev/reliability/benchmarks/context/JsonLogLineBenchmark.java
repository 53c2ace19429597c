package dev.reliability.benchmarks.context;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import dev.reliability.tracing.logging.RedactingValueMasker;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of encoding one log line carrying five MDC fields (request, trace and span ID, method, path)
 * and one argument, without I/O.
 *
 * <p>{@code encoder}: {@code pattern} is Logback's {@code PatternLayoutEncoder} with the MDC in the
 * pattern (the plain-text peer); {@code json} is logstash-logback-encoder's {@code LogstashEncoder}
 * with the field names of {@code reliability/logback-json.xml}; {@code json-masked} adds the
 * shipped masking profile ({@link RedactingValueMasker}), as the shipped configuration does.
 *
 * <p>Run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * JsonLogLineBenchmark -prof gc -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JsonLogLineBenchmark {

  @Param({"pattern", "json", "json-masked"})
  public String encoder;

  private static final Map<String, String> MDC =
      Map.of(
          "request_id", "7Kq2xWm9RtYb3NvA",
          "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736",
          "span_id", "00f067aa0ba902b7",
          "method", "POST",
          "path", "/api/orders");

  private Encoder<ILoggingEvent> enc;
  private Logger logger;

  @Setup
  public void setUp() {
    LoggerContext context = new LoggerContext();
    logger = context.getLogger("com.example.orders.OrderService");
    switch (encoder) {
      case "pattern":
        PatternLayoutEncoder p = new PatternLayoutEncoder();
        p.setContext(context);
        p.setPattern(
            "%d{ISO8601} %-5level [%thread] %logger request_id=%X{request_id}"
                + " trace_id=%X{trace_id} span_id=%X{span_id} %X{method} %X{path} - %msg%n");
        p.start();
        enc = p;
        break;
      default:
        LogstashEncoder j = new LogstashEncoder();
        j.setContext(context);
        j.getFieldNames().setTimestamp("timestamp");
        j.getFieldNames().setVersion("[ignore]");
        j.getFieldNames().setLevelValue("[ignore]");
        j.getFieldNames().setLogger("logger");
        j.getFieldNames().setThread("thread");
        j.setCustomFields("{\"service\":\"orders\",\"environment\":\"prod\"}");
        if (encoder.equals("json-masked")) {
          MaskingJsonGeneratorDecorator masking = new MaskingJsonGeneratorDecorator();
          masking.addValueMasker(new RedactingValueMasker());
          masking.start();
          j.setJsonGeneratorDecorator(masking);
        }
        j.start();
        enc = j;
    }
  }

  @Benchmark
  public byte[] encodeOneLine() {
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(),
            logger,
            Level.INFO,
            "order {} created",
            null,
            new Object[] {"o-12345"});
    event.setMDCPropertyMap(MDC);
    return enc.encode(event);
  }
}
