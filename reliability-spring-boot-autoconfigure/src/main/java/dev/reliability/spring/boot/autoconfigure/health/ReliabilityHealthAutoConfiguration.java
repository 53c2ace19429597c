package dev.reliability.spring.boot.autoconfigure.health;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Health: {@code HealthCheck} beans registered in a {@code HealthCheckRegistry}, results in
 * Actuator's health endpoint and its liveness and readiness groups.
 *
 * <p>Not yet wired: this class is filled in as the part lands.
 */
@AutoConfiguration
public class ReliabilityHealthAutoConfiguration {}
