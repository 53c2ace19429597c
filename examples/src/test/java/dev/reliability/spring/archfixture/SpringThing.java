package dev.reliability.spring.archfixture;

/** Stands for a class of the Spring Boot modules. */
public final class SpringThing {}
