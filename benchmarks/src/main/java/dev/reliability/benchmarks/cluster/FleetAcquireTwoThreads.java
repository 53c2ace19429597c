package dev.reliability.benchmarks.cluster;

import org.openjdk.jmh.annotations.Threads;

/** {@link FleetAcquireBenchmark} with two calling threads sharing every limiter. */
@Threads(2)
public class FleetAcquireTwoThreads extends FleetAcquireBenchmark {}
