package dev.reliability.health.archfixture;

/** Stands for a public class of the health module. */
public class HealthThing {}
