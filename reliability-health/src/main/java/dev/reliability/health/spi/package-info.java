/**
 * Interfaces that other modules implement to feed health reports: {@link
 * dev.reliability.health.spi.ServicePerformanceSource} gives the detailed view its request
 * statistics.
 */
package dev.reliability.health.spi;
