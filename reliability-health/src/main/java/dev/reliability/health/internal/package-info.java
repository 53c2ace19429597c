/**
 * The health module's implementation, not API: it may change at any time. {@code HealthEvaluator}
 * runs a registry's checks, aggregates their results into reports, caches them and announces group
 * status changes; {@code CheckRunner} and {@code Execution} run one check and one run of it with
 * what a {@code RunContext} gives them; {@code BackgroundTicks} is the scheduler loop that starts
 * background runs and enforces timeouts. Resource sampling, thresholds, guarded listeners and small
 * waiting helpers serve the registry and the built-in checks. Nothing here depends on the {@code
 * http} or {@code alert} packages.
 */
package dev.reliability.health.internal;
