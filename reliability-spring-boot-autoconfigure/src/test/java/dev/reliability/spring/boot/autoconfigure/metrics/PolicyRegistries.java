package dev.reliability.spring.boot.autoconfigure.metrics;

import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.Jitter;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.core.policy.RetryConfig;
import java.time.Duration;

/** Policy registries for the metrics tests, built in code until policies come from YAML. */
final class PolicyRegistries {

  private PolicyRegistries() {}

  /** Every policy retries up to twice, at once. */
  static PolicyRegistry retryingOnce() {
    return PolicyRegistry.builder()
        .defaultTemplate(
            PolicyConfig.builder()
                .retry(
                    RetryConfig.builder()
                        .maxRetries(2)
                        .backoff(Backoff.fixed(Duration.ZERO))
                        .jitter(Jitter.NONE)
                        .build())
                .build())
        .build();
  }
}
