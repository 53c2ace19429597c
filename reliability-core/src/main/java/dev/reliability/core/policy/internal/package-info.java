/**
 * Implementation of {@link dev.reliability.core.policy}: the execution engine, the circuit breaker,
 * rate limiter, bulkhead, retry and time-limit state, schedulers and listener guards.
 *
 * <p>Internal: every type here may change or disappear in any release. Use the public API of {@code
 * dev.reliability.core.policy}.
 */
package dev.reliability.core.policy.internal;
