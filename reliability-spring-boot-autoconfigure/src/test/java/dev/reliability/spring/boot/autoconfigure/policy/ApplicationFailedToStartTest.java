package dev.reliability.spring.boot.autoconfigure.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reliability.core.config.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/** A real SpringApplication with an invalid policy prints Spring Boot's failure report. */
@ExtendWith(OutputCaptureExtension.class)
class ApplicationFailedToStartTest {

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(ReliabilityPolicyAutoConfiguration.class)
  static class App {}

  @Test
  void anInvalidPolicyPrintsApplicationFailedToStartWithEveryProblemAndTheAction(
      CapturedOutput output) {
    Throwable thrown =
        catchThrowable(
            () ->
                new SpringApplicationBuilder(App.class)
                    .web(WebApplicationType.NONE)
                    .properties(
                        "reliability.policies.quote-backend.retry.max-retries=-1",
                        "reliability.policies.quote-backend.retyr.max-retries=2")
                    .run()
                    .close());

    assertThat(thrown).hasRootCauseInstanceOf(ConfigurationException.class);
    assertThat(output.getOut() + output.getErr())
        .contains("APPLICATION FAILED TO START")
        .contains("Invalid reliability configuration (2 problems):")
        .contains(
            "reliability.retry.quote-backend.max-retries must be a whole number between 0 and"
                + " 1000, was \"-1\"")
        .contains("reliability.policies.quote-backend.retyr.max-retries must be one of [template,")
        .contains("Change each setting listed above");
  }
}
