package dev.reliability.spring.boot.autoconfigure.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Servlet web applications: the request-ID filter and problem+json error responses.
 *
 * <p>Not yet wired: this class is filled in as the part lands.
 */
@AutoConfiguration
public class ReliabilityWebMvcAutoConfiguration {}
