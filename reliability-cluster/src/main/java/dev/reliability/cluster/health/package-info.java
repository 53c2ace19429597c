/**
 * The health check of a fleet engine's connection, for applications that use {@code
 * reliability-health} (an optional dependency).
 */
package dev.reliability.cluster.health;
