/**
 * Fleet-wide limits: a token bucket, a concurrency limit and a retry budget shared by every
 * instance of a service through Redis or Hazelcast, each usable as a component of a {@link
 * dev.reliability.core.policy.Policy}, with a local fallback when the engine fails.
 */
package dev.reliability.cluster;
