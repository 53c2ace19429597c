package dev.reliability.reactor;

import dev.reliability.core.policy.Policy;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.reactivestreams.Publisher;

/**
 * A {@link Policy} as a Reactor operator: {@code mono.transformDeferred(PolicyOperator.of(policy))}
 * or {@code flux.transformDeferred(PolicyOperator.of(policy))}. A {@code Mono} stays a {@code Mono}
 * and a {@code Flux} a {@code Flux}.
 *
 * <p>Immutable and thread-safe: one operator can guard any number of subscriptions.
 *
 * @param <T> the type of the elements
 */
public final class PolicyOperator<T> implements UnaryOperator<Publisher<T>> {

  private final Policy policy;

  private PolicyOperator(Policy policy) {
    this.policy = policy;
  }

  /**
   * Returns an operator that applies this policy.
   *
   * @param policy the policy
   * @param <T> the type of the elements
   * @return the operator
   */
  public static <T> PolicyOperator<T> of(Policy policy) {
    return new PolicyOperator<>(Objects.requireNonNull(policy, "policy"));
  }

  /**
   * Returns the policy this operator applies.
   *
   * @return the policy
   */
  public Policy policy() {
    return policy;
  }

  @Override
  public Publisher<T> apply(Publisher<T> source) {
    throw new UnsupportedOperationException("PolicyOperator is being built");
  }
}
