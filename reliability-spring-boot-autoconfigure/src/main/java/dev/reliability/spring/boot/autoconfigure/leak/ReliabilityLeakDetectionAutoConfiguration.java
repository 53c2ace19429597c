package dev.reliability.spring.boot.autoconfigure.leak;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Leak detection: a {@code LeakDetector} bean started and stopped with the application context.
 *
 * <p>Not yet wired: this class is filled in as the part lands.
 */
@AutoConfiguration
public class ReliabilityLeakDetectionAutoConfiguration {}
