package dev.reliability.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogFieldsTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger(LogFieldsTest.class);
  private final ListAppender<ILoggingEvent> appender =
      new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent e) {
          e.prepareForDeferredProcessing();
          super.append(e);
        }
      };

  @BeforeEach
  void attach() {
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
    logger.setLevel(null);
    MDC.clear();
  }

  @Test
  void theEventCarriesTheFieldsAndTheMdcIsAsBeforeAfterwards() {
    MDC.put("request_id", "req-1");
    MDC.put("policy", "outer");

    LogFields.of("event", "e1").and("policy", "inner").and("count", 3).warn(logger, "{} {}", 1, 2);

    ILoggingEvent event = appender.list.get(0);
    assertThat(event.getLevel()).isEqualTo(Level.WARN);
    assertThat(event.getFormattedMessage()).isEqualTo("1 2");
    assertThat(event.getMDCPropertyMap())
        .containsEntry("request_id", "req-1")
        .containsEntry("event", "e1")
        .containsEntry("policy", "inner")
        .containsEntry("count", "3");
    assertThat(MDC.getCopyOfContextMap())
        .containsOnlyKeys("request_id", "policy")
        .containsEntry("policy", "outer");
  }

  @Test
  void aNullValueIsLeftOutAndAKeyGivenTwiceIsRestored() {
    MDC.put("k", "caller");

    LogFields.of("k", "one").and("k", "two").and("absent", null).info(logger, "m {}");

    ILoggingEvent event = appender.list.get(0);
    assertThat(event.getFormattedMessage()).isEqualTo("m {}");
    assertThat(event.getMDCPropertyMap()).containsEntry("k", "two").doesNotContainKey("absent");
    assertThat(MDC.getCopyOfContextMap()).containsOnlyKeys("k").containsEntry("k", "caller");
  }

  @Test
  void manyFieldsGrowTheArrays() {
    LogFields fields = LogFields.of("f0", 0);
    for (int i = 1; i < 20; i++) {
      fields.and("f" + i, i);
    }

    fields.debug(logger, "many");

    assertThat(appender.list.get(0).getMDCPropertyMap()).hasSize(20).containsEntry("f19", "19");
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }
}
