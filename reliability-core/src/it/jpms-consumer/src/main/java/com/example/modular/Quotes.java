package com.example.modular;

import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.Policy;
import java.util.function.Supplier;

/** Fetches quotes through a policy, as an application on the module path would. */
public final class Quotes implements AutoCloseable {
  private final Policy policy;

  public Quotes() {
    this.policy =
        Policy.builder("quotes").circuitBreaker(CircuitBreakerConfig.ofDefaults()).build();
  }

  public String fetch(Supplier<String> backend) {
    return policy.execute(backend);
  }

  @Override
  public void close() {
    policy.close();
  }
}
