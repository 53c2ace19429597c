package dev.reliability.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The example service on Spring Boot: the reliability starter and a few lines of {@code
 * application.yml}. Run it with {@code java -jar
 * examples/spring-boot/target/reliability-example-spring-boot.jar}.
 */
@SpringBootApplication
public class QuoteServiceApplication {

  /**
   * Starts the service.
   *
   * @param args Spring Boot's command-line arguments
   */
  public static void main(String[] args) {
    SpringApplication.run(QuoteServiceApplication.class, args);
  }
}
