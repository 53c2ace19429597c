package dev.reliability.core.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.AdaptiveThrottle;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.ThrottleConfig;
import dev.reliability.core.time.TimeSource;
import org.junit.jupiter.api.Test;

/** The examples of the section "Client-side adaptive throttling" in docs/fault-tolerance.md. */
class ThrottlingGuideTest {

  /** Stands for any client of a dependency. */
  interface Client {
    String send(String request);
  }

  @Test
  void aPolicyThrottlesRightAfterItsBreaker() {
    Policy inventory =
        Policy.builder("inventory")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .throttle(ThrottleConfig.ofDefaults())
            .build();

    assertThat(inventory.execute(() -> "42 in stock")).isEqualTo("42 in stock");
    AdaptiveThrottle throttle = inventory.throttle().orElseThrow();
    assertThat(throttle.requests()).isEqualTo(1);
    assertThat(throttle.accepts()).isEqualTo(1);
    assertThat(throttle.rejectionProbability()).isZero();
  }

  @Test
  void theThrottleWorksOnItsOwnAroundAnyClient() {
    Client client =
        request -> {
          throw new ServiceUnavailableException("inventory", "503 from inventory");
        };
    String request = "GET /stock/42";
    assertThatThrownBy(() -> standalone(client, request))
        .isInstanceOf(ServiceUnavailableException.class);
  }

  private static void standalone(Client client, String request) {
    AdaptiveThrottle throttle =
        AdaptiveThrottle.create("inventory", ThrottleConfig.ofDefaults(), TimeSource.system());
    if (throttle.tryAcquire()) {
      try {
        String answer = client.send(request);
        throttle.onAccepted();
      } catch (RuntimeException e) {
        throttle.record(e);
        throw e;
      }
    }
  }
}
