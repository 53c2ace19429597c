package dev.reliability.tracing.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class TraceContextAsyncAppenderTest {

  @Test
  void theShippedConfigurationNeverBlocksTheLoggingThread() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(
          new ByteArrayInputStream(
              "<configuration><include resource=\"reliability/logback-json.xml\"/></configuration>"
                  .getBytes(StandardCharsets.UTF_8)));

      Object appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("RELIABILITY_JSON");

      assertThat(appender).isInstanceOf(TraceContextAsyncAppender.class);
      TraceContextAsyncAppender async = (TraceContextAsyncAppender) appender;
      assertThat(async.isNeverBlock()).isTrue();
      assertThat(async.getDiscardingThreshold()).isZero();
    } finally {
      context.stop();
    }
  }

  @Test
  void aFullQueueDropsAndCountsEventsInsteadOfBlockingTheLoggingThread() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger written = new AtomicInteger();
    BlockedWriter writer = new BlockedWriter(release, written);
    writer.setContext(context);
    writer.start();
    TraceContextAsyncAppender async = new TraceContextAsyncAppender();
    async.setContext(context);
    async.setQueueSize(4);
    async.setDiscardingThreshold(0);
    async.setNeverBlock(true);
    async.addAppender(writer);
    async.start();
    Logger logger = context.getLogger("test");
    logger.addAppender(async);
    try {
      logger.info("first"); // the worker takes it and blocks in the writer
      await().atMost(Duration.ofSeconds(10)).until(() -> writer.entered.getCount() == 0);

      long start = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        logger.info("event {}", i);
      }
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(async.getDiscardedCount()).isEqualTo(100 - 4);
      assertThat(tookMillis).as("logging waited for the blocked writer").isLessThan(5_000);
      assertThat(context.getStatusManager().getCopyOfStatusList())
          .anySatisfy(s -> assertThat(s.getMessage()).contains("dropping events"));
    } finally {
      release.countDown();
      async.stop();
      context.stop();
    }
    assertThat(written.get()).isEqualTo(1 + 4);
  }

  /** A writer that blocks on its first event until released, like a stalled stdout. */
  private static final class BlockedWriter extends AppenderBase<ILoggingEvent> {
    final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release;
    private final AtomicInteger written;

    BlockedWriter(CountDownLatch release, AtomicInteger written) {
      this.release = release;
      this.written = written;
    }

    @Override
    protected void append(ILoggingEvent event) {
      entered.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      written.incrementAndGet();
    }
  }
}
