/**
 * The engines behind the fleet-wide limits: {@link dev.reliability.cluster.internal.FleetBackend}
 * and its Redis and Hazelcast implementations.
 *
 * <p>Internal: may change at any time.
 */
package dev.reliability.cluster.internal;
