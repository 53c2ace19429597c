/**
 * The meters of a fleet engine and its limits, for applications that use {@code
 * reliability-metrics} (an optional dependency).
 */
package dev.reliability.cluster.metrics;
