package dev.reliability.spring.boot.autoconfigure.web;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** A Logback appender that keeps each event's message with the MDC it was logged under. */
final class MdcRecorder extends AppenderBase<ILoggingEvent> {

  record Line(String message, Map<String, String> mdc, String thread) {}

  private final List<Line> lines = new CopyOnWriteArrayList<>();

  private Logger logger;

  static MdcRecorder attachTo(String loggerName) {
    MdcRecorder recorder = new MdcRecorder();
    recorder.logger = (Logger) LoggerFactory.getLogger(loggerName);
    recorder.setContext(recorder.logger.getLoggerContext());
    recorder.start();
    recorder.logger.addAppender(recorder);
    return recorder;
  }

  /** Detaches from the logger as well as stopping. */
  @Override
  public void stop() {
    if (logger != null) {
      logger.detachAppender(this);
    }
    super.stop();
  }

  @Override
  protected void append(ILoggingEvent event) {
    // The MDC is read now, on the logging thread, as an async appender would.
    lines.add(
        new Line(
            event.getFormattedMessage(),
            Map.copyOf(event.getMDCPropertyMap()),
            event.getThreadName()));
  }

  List<Line> lines() {
    return lines;
  }

  List<Line> linesContaining(String text) {
    return lines.stream().filter(l -> l.message().contains(text)).toList();
  }
}
