package dev.reliability.reactor;

import dev.reliability.core.policy.Fallback;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.reactor.internal.GuardedCall;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link Policy} as a Reactor operator: {@code mono.transformDeferred(PolicyOperator.of(policy))}
 * or {@code flux.transformDeferred(PolicyOperator.of(policy))}. A {@code Mono} stays a {@code Mono}
 * and a {@code Flux} a {@code Flux}.
 *
 * <p>Each subscription is one call of the policy, counted in {@link Policy#stats()} and told to its
 * listener exactly as a synchronous call: the circuit breaker's permission is asked at subscription
 * and the outcome recorded with the attempt's duration when it completes, fails or is cancelled (a
 * cancellation is neither success nor failure); the bulkhead and the adaptive limit are tried
 * without waiting and their permits given back exactly once; the rate limiter's wait is a delay on
 * the scheduler and its refusal a {@link dev.reliability.core.error.RateLimitExceededException};
 * the time limit is a reactive timeout ending the attempt with the policy's {@link
 * dev.reliability.core.error.ServiceTimeoutException}; a retry resubscribes to the source after the
 * policy's backoff, on the scheduler; the fallback comes last. The request's {@link
 * dev.reliability.core.context.Deadline} clips the time limit and stops retries that cannot finish.
 * Nothing blocks a thread.
 *
 * <p><b>Flux.</b> The breaker, bulkhead and rate limiter cover the whole subscription; the time
 * limit applies to the first element and to the time between elements; a failure is retried only if
 * the attempt emitted no element; rules on returned values judge a Mono's value only.
 *
 * <p><b>Context.</b> The request context (and every {@code ThreadLocalAccessor} the policy's
 * snapshot factory knows) is read from the subscriber's Reactor {@code Context} and the subscribing
 * thread, and put into the thread locals while the operator subscribes to each attempt and runs the
 * policy's listener and fallback, on whatever thread.
 *
 * <p><b>Not supported</b>: hedging and chaos strategies; {@link #of(Policy)} refuses a policy with
 * either.
 *
 * <p>Immutable and thread-safe: one operator can guard any number of subscriptions.
 *
 * @param <T> the type of the elements
 */
public final class PolicyOperator<T> implements UnaryOperator<Publisher<T>> {

  private final Policy policy;
  private final Scheduler scheduler;
  private final Fallback<? extends T> fallback;

  private PolicyOperator(Policy policy, Scheduler scheduler, Fallback<? extends T> fallback) {
    this.policy = policy;
    this.scheduler = scheduler;
    this.fallback = fallback;
  }

  /**
   * Returns an operator that applies this policy, waiting on {@link Schedulers#parallel()}
   * (resolved at each subscription, so {@code StepVerifier.withVirtualTime} replaces it).
   *
   * @param policy the policy
   * @param <T> the type of the elements
   * @return the operator
   * @throws UnsupportedOperationException if the policy hedges or has chaos strategies
   */
  public static <T> PolicyOperator<T> of(Policy policy) {
    Objects.requireNonNull(policy, "policy");
    PolicyConfig config = policy.config();
    if (config.hedge().isPresent()) {
      throw new UnsupportedOperationException(
          "Policy '" + policy.name() + "' hedges: hedging is not supported by PolicyOperator");
    }
    if (config.chaos().isPresent()) {
      throw new UnsupportedOperationException(
          "Policy '"
              + policy.name()
              + "' has chaos strategies: they are not supported by PolicyOperator");
    }
    return new PolicyOperator<>(policy, null, null);
  }

  /**
   * Returns this operator waiting on another scheduler: the rate limiter's waits, the retries'
   * backoff and the time limit's timers run there.
   *
   * @param scheduler the scheduler
   * @return a new operator
   */
  public PolicyOperator<T> on(Scheduler scheduler) {
    return new PolicyOperator<>(policy, Objects.requireNonNull(scheduler, "scheduler"), fallback);
  }

  /**
   * Returns this operator with a fallback: when the call fails in a way the fallback handles (after
   * the retries, or refused), its value is emitted instead (none if it returns null), counted as
   * {@link dev.reliability.core.policy.CallOutcome#FALLBACK}. Default none.
   *
   * @param fallback the fallback
   * @return a new operator
   */
  public PolicyOperator<T> withFallback(Fallback<? extends T> fallback) {
    return new PolicyOperator<>(policy, scheduler, Objects.requireNonNull(fallback, "fallback"));
  }

  /**
   * Returns the policy this operator applies.
   *
   * @return the policy
   */
  public Policy policy() {
    return policy;
  }

  /**
   * Guards a publisher: a {@code Mono} gives a {@code Mono}, anything else a {@code Flux}. Each
   * subscription is one call of the policy.
   *
   * @param source the publisher
   * @return the guarded publisher
   */
  @Override
  public Publisher<T> apply(Publisher<T> source) {
    Objects.requireNonNull(source, "source");
    if (source instanceof Mono<T> m) {
      return Mono.fromDirect(GuardedCall.guard(policy, m, true, scheduler, fallback));
    }
    return GuardedCall.guard(policy, source, false, scheduler, fallback);
  }

  @Override
  public String toString() {
    return "PolicyOperator[" + policy.name() + "]";
  }
}
