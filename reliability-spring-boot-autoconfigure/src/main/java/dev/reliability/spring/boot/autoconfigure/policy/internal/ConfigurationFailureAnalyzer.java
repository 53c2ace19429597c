package dev.reliability.spring.boot.autoconfigure.policy.internal;

import dev.reliability.core.config.ConfigProblem;
import dev.reliability.core.config.ConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns the library's {@link ConfigurationException} into Spring Boot's "APPLICATION FAILED TO
 * START" report: the description lists every problem ({@code <key> must be <rule>, was "<value>"
 * (from <file and line>)}), the action says what to change. Registered in {@code
 * META-INF/spring.factories}.
 *
 * <p>Internal: may change at any time. Stateless and thread-safe.
 */
public final class ConfigurationFailureAnalyzer
    extends AbstractFailureAnalyzer<ConfigurationException> {

  /** Creates the analyzer; Spring Boot calls it. */
  public ConfigurationFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationException cause) {
    String nl = System.lineSeparator();
    StringBuilder description = new StringBuilder();
    if (cause.problems().isEmpty()) {
      description.append("Invalid reliability configuration: ").append(cause.getMessage());
    } else {
      int n = cause.problems().size();
      description
          .append("Invalid reliability configuration (")
          .append(n)
          .append(n == 1 ? " problem):" : " problems):");
      for (ConfigProblem p : cause.problems()) {
        description.append(nl).append("  - ").append(p.describe());
      }
    }
    String action =
        "Change each setting listed above where it was set (the file and line, or the environment"
            + " variable, shown after \"from\"), or remove it. Every setting, its type, default and"
            + " allowed values: docs/configuration-reference.md; policies in application.yml:"
            + " docs/spring-boot.md.";
    return new FailureAnalysis(description.toString(), action, cause);
  }
}
