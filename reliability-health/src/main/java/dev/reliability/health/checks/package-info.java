/**
 * Built-in health checks: process and host resources (JVM memory pools, resident and system memory,
 * CPU and load, disk space per path, file descriptors, threads and deadlocks, read through the
 * JVM's management beans and OSHI), dependencies (JDBC, HTTP, TCP, a circuit breaker's state), a
 * leak detector's verdict and a composite of another registry.
 */
package dev.reliability.health.checks;
