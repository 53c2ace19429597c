package dev.reliability.monitoring.archfixture;

/** Stands for a public class of the monitoring module. */
public class MonitoringThing {}
