package dev.reliability.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.GenericApplicationContext;

/** The shutdown hook's work survives whatever the close or the log flush throws. */
class QuoteServiceStopTest {

  private final AtomicInteger flushes = new AtomicInteger();

  @Test
  void aCleanCloseExitsWithZeroAfterFlushingTheLogs() {
    GenericApplicationContext context = new GenericApplicationContext();
    context.refresh();

    assertThat(QuoteServiceApplication.stop(context, flushes::incrementAndGet)).isZero();
    assertThat(context.isActive()).isFalse();
    assertThat(flushes).hasValue(1);
  }

  @Test
  void anErrorFromTheCloseIsReportedTheLogsStillFlushedAndTheStatusIsOne() {
    GenericApplicationContext context =
        new GenericApplicationContext() {
          @Override
          protected void doClose() {
            throw new OutOfMemoryError("thrown by the test's close");
          }
        };
    context.refresh();

    assertThat(QuoteServiceApplication.stop(context, flushes::incrementAndGet)).isEqualTo(1);
    assertThat(flushes).hasValue(1);
  }

  @Test
  void anErrorFromTheLogFlushStillGivesAStatus() {
    GenericApplicationContext context = new GenericApplicationContext();
    context.refresh();

    int status =
        QuoteServiceApplication.stop(
            context,
            () -> {
              throw new StackOverflowError("thrown by the test's flush");
            });

    assertThat(status).isEqualTo(1);
  }
}
