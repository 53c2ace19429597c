package dev.reliability.spring.boot.autoconfigure.policy.internal;

import dev.reliability.core.policy.Policy;
import dev.reliability.reactor.PolicyOperator;
import org.reactivestreams.Publisher;
import org.springframework.aop.ProxyMethodInvocation;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The reactive path of {@link GuardedInterceptor}: the {@code Mono} or {@code Flux} of a guarded
 * method, run through {@link PolicyOperator}. The method is invoked at each subscription, inside
 * the operator, so each attempt (the first and every retry) runs the method again and gets a fresh
 * publisher, as each attempt of a synchronous call does; a returned publisher that is never
 * subscribed invokes nothing.
 *
 * <p>Loaded only when a guarded method returns a publisher and reliability-reactor is on the class
 * path ({@link GuardedMethods#REACTOR_OPERATOR}), so the interceptor itself loads without Reactor.
 * Stateless.
 */
final class GuardedPublishers {

  private GuardedPublishers() {}

  /**
   * Guards one call of a method that returns a publisher: a {@code Mono} for a {@code Mono}, else a
   * {@code Flux}.
   *
   * @param policy the method's policy
   * @param invocation the call, not proceeded
   * @return the guarded publisher
   */
  static Object guard(Policy policy, ProxyMethodInvocation invocation) {
    // One clone taken here, on the caller's thread: taking it initialises the invocation's shared
    // attribute map, so the clones taken at each subscription, on any thread and possibly at the
    // same time, only read this one (whose arguments array is its own copy, never written).
    ProxyMethodInvocation call = (ProxyMethodInvocation) invocation.invocableClone();
    if (invocation.getMethod().getReturnType().getName().equals("reactor.core.publisher.Mono")) {
      return Mono.defer(() -> Mono.from(attempt(call)))
          .transformDeferred(PolicyOperator.of(policy));
    }
    return Flux.defer(() -> attempt(call)).transformDeferred(PolicyOperator.of(policy));
  }

  /** One attempt: the method run again on a clone of the call; what it throws is the error. */
  @SuppressWarnings("unchecked")
  private static Publisher<Object> attempt(ProxyMethodInvocation call) {
    Object publisher;
    try {
      publisher = call.invocableClone().proceed();
    } catch (Throwable t) {
      Exceptions.throwIfJvmFatal(t);
      return Mono.error(t);
    }
    return publisher != null
        ? (Publisher<Object>) publisher
        : Mono.error(new NullPointerException(call.getMethod() + " returned null"));
  }
}
