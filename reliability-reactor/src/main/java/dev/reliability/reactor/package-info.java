/**
 * Policies as Reactor operators: {@code mono.transformDeferred(PolicyOperator.of(policy))}. Every
 * component of the policy runs without blocking: retries wait on a Reactor scheduler, the time
 * limit is a reactive timeout, permits are given back on completion, error and cancellation.
 */
package dev.reliability.reactor;
