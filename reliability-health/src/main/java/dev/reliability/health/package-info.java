/**
 * Health checks and Kubernetes probes: the model ({@link dev.reliability.health.HealthCheck},
 * {@link dev.reliability.health.HealthCheckResult}, {@link dev.reliability.health.HealthReport} and
 * their statuses), {@link dev.reliability.health.HealthCheckRegistry}, which registers, configures
 * and looks up checks, owns their threads and answers the liveness, readiness and startup probes,
 * the {@link dev.reliability.health.HealthLifecycle} of startup and graceful shutdown, and {@link
 * dev.reliability.health.HealthListener}s that hear every run and status change. How checks are
 * run, aggregated and cached lives in {@code internal}; serving reports over HTTP lives in {@code
 * http} and alerting in {@code alert}, neither of which this package knows.
 */
package dev.reliability.health;
