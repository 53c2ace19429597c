package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.test.ManualScheduler;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class BreakerOnSlf4j17Test {

  @Test
  void theClassPathHasSlf4j17() {
    // SLF4J 2 added Logger.atInfo(); 1.7 has no such method.
    assertThrows(NoSuchMethodException.class, () -> Logger.class.getMethod("atInfo"));
  }

  @Test
  void aBreakerGoesFromClosedToOpenToHalfOpenAndBack() {
    ManualScheduler scheduler = ManualScheduler.create();
    List<String> changes = new CopyOnWriteArrayList<>();
    Policy policy =
        Policy.builder("backend")
            .circuitBreaker(
                CircuitBreakerConfig.builder()
                    .failureThreshold(2)
                    .waitInOpen(Duration.ofSeconds(10))
                    .halfOpenCalls(1)
                    .build())
            .scheduler(scheduler)
            .listener(
                new PolicyListener() {
                  @Override
                  public void onStateChange(String name, CircuitState from, CircuitState to) {
                    changes.add(from + "->" + to);
                  }
                })
            .build();
    Runnable failing =
        () -> {
          throw new IllegalStateException("backend down");
        };

    for (int i = 0; i < 2; i++) {
      assertThrows(RuntimeException.class, () -> policy.run(failing));
    }
    assertEquals(CircuitState.OPEN, policy.circuitBreaker().orElseThrow().state());
    assertThrows(CircuitOpenException.class, () -> policy.execute(() -> "refused"));

    scheduler.advance(Duration.ofSeconds(10).plusMillis(1));
    assertEquals("ok", policy.execute(() -> "ok"));

    assertEquals(CircuitState.CLOSED, policy.circuitBreaker().orElseThrow().state());
    assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"), changes);
  }
}
