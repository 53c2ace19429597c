package dev.reliability.spring.boot.autoconfigure.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.spring.boot.autoconfigure.policy.internal.ConfigurationFailureAnalyzer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.PropertiesLoaderUtils;

class ConfigurationFailureAnalyzerTest {

  @Test
  void isRegisteredForSpringBootsFailureReport() throws java.io.IOException {
    java.util.List<String> registered = new java.util.ArrayList<>();
    for (java.net.URL url :
        java.util.Collections.list(
            getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
      String value =
          PropertiesLoaderUtils.loadProperties(new org.springframework.core.io.UrlResource(url))
              .getProperty(FailureAnalyzer.class.getName());
      if (value != null) {
        registered.addAll(java.util.Arrays.asList(value.split(",")));
      }
    }
    assertThat(registered).contains(ConfigurationFailureAnalyzer.class.getName());
  }

  @Test
  void describesEveryProblemWithItsYamlLineAndSaysWhatToDo() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ReliabilityPolicyAutoConfiguration.class))
        .withInitializer(YamlFiles.load("policy-invalid.yml"))
        .run(
            context -> {
              FailureAnalysis analysis =
                  new ConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis).isNotNull();
              assertThat(analysis.getDescription())
                  .startsWith("Invalid reliability configuration (3 problems):")
                  .contains(
                      "  - reliability.retry.quote-backend.max-retries must be a whole number"
                          + " between 0 and 1000, was \"-1\" (from"
                          + " reliability.policies.quote-backend.retry.max-retries in class path"
                          + " resource [policy-invalid.yml] - 5:22)")
                  .contains("[policy-invalid.yml] - 7:27)")
                  .contains("[policy-invalid.yml] - 9:22)");
              assertThat(analysis.getAction())
                  .contains("Change each setting listed above")
                  .contains("docs/configuration-reference.md");
            });
  }

  @Test
  void leavesOtherFailuresToOtherAnalyzers() {
    assertThat(new ConfigurationFailureAnalyzer().analyze(new IllegalStateException("other")))
        .isNull();
  }
}
