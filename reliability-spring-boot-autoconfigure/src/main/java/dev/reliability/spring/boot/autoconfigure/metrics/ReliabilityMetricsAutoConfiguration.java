package dev.reliability.spring.boot.autoconfigure.metrics;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Metrics: the library's binders on the application's {@code MeterRegistry}.
 *
 * <p>Not yet wired: this class is filled in as the part lands.
 */
@AutoConfiguration
public class ReliabilityMetricsAutoConfiguration {}
