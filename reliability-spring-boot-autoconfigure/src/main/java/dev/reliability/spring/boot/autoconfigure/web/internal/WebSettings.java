package dev.reliability.spring.boot.autoconfigure.web.internal;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.context.DeadlineHeader;
import dev.reliability.core.context.RequestIdSanitizer;
import dev.reliability.core.problem.ProblemDetailFactory;
import org.springframework.core.env.Environment;

/**
 * The settings both web stacks read, from the library's own {@code Setting}s through Spring's
 * environment: {@code reliability.context.request-id-max-length}, {@code reliability.deadline.*},
 * {@code reliability.errors.development-mode}; and Boot's name of the server-request observation.
 *
 * <p>This class is internal and may change at any time.
 */
public final class WebSettings {

  /** Boot's property naming the server-request observation. */
  static final String OBSERVATION_NAME_PROPERTY =
      "management.observations.http.server.requests.name";

  private WebSettings() {}

  /**
   * The request-ID sanitizer.
   *
   * @param source the settings
   * @return a sanitizer whose counters count this application's rejections
   */
  public static RequestIdSanitizer sanitizer(ConfigSource source) {
    return RequestIdSanitizer.builder().configSource(source).build();
  }

  /**
   * How the caller's deadline is read.
   *
   * @param source the settings
   * @return the deadline header
   */
  public static DeadlineHeader deadlineHeader(ConfigSource source) {
    return DeadlineHeader.ofDefaults().withOverrides(source);
  }

  /**
   * The problem factory.
   *
   * @param source the settings
   * @return the factory
   */
  public static ProblemDetailFactory problemDetailFactory(ConfigSource source) {
    return ProblemDetailFactory.builder().configSource(source).build();
  }

  /**
   * The server-request observation's name.
   *
   * @param environment Spring's environment
   * @return {@code http.server.requests} unless Boot's property names another
   */
  public static String observationName(Environment environment) {
    return environment.getProperty(OBSERVATION_NAME_PROPERTY, "http.server.requests");
  }
}
