package dev.reliability.examples.springboot;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example service on Spring Boot: the reliability starter and a few lines of {@code
 * application.yml}. Run it with {@code java -jar
 * examples/spring-boot/target/reliability-example-spring-boot.jar}.
 */
@SpringBootApplication
public class QuoteServiceApplication {

  /**
   * Starts the service and stops it gracefully on SIGTERM, exiting with status 0 once the context
   * has closed (readiness refused, WebSocket clients closed with 1001, requests in flight
   * finished), 1 if closing failed.
   *
   * @param args Spring Boot's command-line arguments
   */
  public static void main(String[] args) {
    SpringApplication application = new SpringApplication(QuoteServiceApplication.class);
    // Our own hook instead of Spring's, which would close the context just as well but leave the
    // JVM's status of a SIGTERM, 143; logging.register-shutdown-hook is off in application.yml
    // so that the logs are flushed after the close, not during it.
    application.setRegisterShutdownHook(false);
    ConfigurableApplicationContext context = application.run(args);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> Runtime.getRuntime().halt(stop(context, QuoteServiceApplication::flushLogs)),
                "quote-service-shutdown"));
  }

  /**
   * Closes the context, then flushes the logs; whatever either throws, an {@code Error} included,
   * is reported and the status is then 1, so the hook always reaches its halt.
   *
   * @return the exit status: 0 when the context closed cleanly, 1 otherwise
   */
  static int stop(ConfigurableApplicationContext context, Runnable flushLogs) {
    int status = 1;
    try {
      status = SpringApplication.exit(context);
    } catch (Throwable t) {
      LoggerFactory.getLogger(QuoteServiceApplication.class)
          .error("shutdown_failed: the application context did not close cleanly", t);
    } finally {
      try {
        flushLogs.run();
      } catch (Throwable t) {
        status = 1;
        t.printStackTrace(); // the logs cannot say it any more
      }
    }
    return status;
  }

  private static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
      logback.stop(); // flushes the asynchronous appender
    }
  }
}
