package dev.reliability.core.archfixture.internal;

/** Stands for an implementation class of core. */
public class CoreInternal {}
