package dev.reliability.spring.boot.autoconfigure.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Reactive web applications: the request-ID web filter and problem+json error responses.
 *
 * <p>Not yet wired: this class is filled in as the part lands.
 */
@AutoConfiguration
public class ReliabilityWebFluxAutoConfiguration {}
