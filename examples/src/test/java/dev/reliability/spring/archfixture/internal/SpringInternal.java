package dev.reliability.spring.archfixture.internal;

/** Stands for an implementation class of the Spring Boot auto-configuration. */
public final class SpringInternal {}
