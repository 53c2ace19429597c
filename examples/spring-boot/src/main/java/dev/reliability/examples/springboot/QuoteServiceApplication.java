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
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(context), "quote-service-shutdown"));
  }

  private static void stop(ConfigurableApplicationContext context) {
    int status = SpringApplication.exit(context);
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
      logback.stop(); // flushes the asynchronous appender
    }
    Runtime.getRuntime().halt(status);
  }
}
