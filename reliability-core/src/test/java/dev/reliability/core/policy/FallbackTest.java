package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FallbackTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final RecordingListener listener = new RecordingListener();

  private Policy policy() {
    return Policy.builder("pricing")
        .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(1).build())
        .scheduler(scheduler)
        .listener(listener)
        .build();
  }

  @Test
  void suppliesTheResultWhenTheCallFailsAndSeesTheFailure() {
    Policy policy = policy();
    AtomicReference<Throwable> seen = new AtomicReference<>();
    String value =
        policy.execute(
            Failures.failing(),
            Fallback.of(
                failure -> {
                  seen.set(failure);
                  return "cached";
                }));
    assertThat(value).isEqualTo("cached");
    assertThat(seen.get()).isInstanceOf(ServiceUnavailableException.class);

    assertThat(policy.execute(() -> "fresh", Fallback.value("cached"))).isEqualTo("cached");
    assertThat(policy.stats().calls(CallOutcome.FALLBACK)).isEqualTo(2);
    assertThat(listener.matching("fallback"))
        .containsExactly("fallback ServiceUnavailableException", "fallback CircuitOpenException");
    assertThat(listener.matching("end"))
        .containsExactly("end FALLBACK attempts=1 handle-1", "end FALLBACK attempts=0 handle-7");
  }

  @Test
  void onRejectionOnlyHandlesThePolicysOwnRefusals() {
    Policy policy = policy();
    Fallback<String> onRejection = Fallback.onRejection(failure -> "degraded");
    assertThatThrownBy(() -> policy.execute(Failures.failing(), onRejection))
        .isInstanceOf(ServiceUnavailableException.class);
    assertThat(policy.execute(() -> "fresh", onRejection)).isEqualTo("degraded");
    assertThat(onRejection.handles(new CircuitOpenException("x", "OPEN", null))).isTrue();
  }

  @Test
  void whenAndOnNarrowTheFailuresHandled() {
    Fallback<String> fallback =
        Fallback.<String>of(f -> "x")
            .on(RuntimeException.class)
            .when(f -> f.getMessage().contains("down"));
    assertThat(fallback.handles(new IllegalStateException("down"))).isTrue();
    assertThat(fallback.handles(new IllegalStateException("up"))).isFalse();
    assertThat(fallback.handles(new Error("down"))).isFalse();
    assertThat(
            fallback.handles(
                new java.util.concurrent.CompletionException(new IllegalStateException("down"))))
        .isTrue();
  }

  @Test
  void aFailingFallbackThrowsItsOwnExceptionWithTheFailureSuppressed() {
    Policy policy = policy();
    IllegalStateException broken = new IllegalStateException("no cache");
    assertThatThrownBy(
            () ->
                policy.execute(
                    Failures.failing(),
                    Fallback.of(
                        failure -> {
                          throw broken;
                        })))
        .isSameAs(broken);
    assertThat(broken.getSuppressed())
        .singleElement()
        .isInstanceOf(ServiceUnavailableException.class);
    assertThat(policy.stats().calls(CallOutcome.FAILURE)).isEqualTo(1);
  }

  @Test
  void runAndCallAcceptFallbacksToo() throws Exception {
    Policy policy = policy();
    AtomicReference<Throwable> logged = new AtomicReference<>();
    policy.run(
        () -> {
          throw new IllegalStateException("boom");
        },
        Fallback.of(
            f -> {
              logged.set(f);
              return null;
            }));
    assertThat(logged.get()).hasMessage("boom");
    assertThat(
            policy.call(
                () -> {
                  throw new java.io.IOException("io");
                },
                Fallback.value("from fallback")))
        .isEqualTo("from fallback");
  }

  @Test
  void anAsynchronousCallFallsBackToo() {
    Policy policy = policy();
    CompletableFuture<String> result =
        policy.executeAsync(
            () -> CompletableFuture.failedFuture(new ServiceUnavailableException("x", "down")),
            Fallback.value("cached"));
    assertThat(result).isCompletedWithValue("cached");
  }
}
