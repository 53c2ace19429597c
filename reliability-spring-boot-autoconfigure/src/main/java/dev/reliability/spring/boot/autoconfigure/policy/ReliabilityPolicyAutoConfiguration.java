package dev.reliability.spring.boot.autoconfigure.policy;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Policies declared in {@code application.yml} ({@code reliability.policies.<name>.*}): a {@code
 * PolicyRegistry} bean and one {@code Policy} bean per name.
 *
 * <p>Not yet wired: this class is filled in as the part lands.
 */
@AutoConfiguration
public class ReliabilityPolicyAutoConfiguration {}
