package dev.reliability.benchmarks.cluster;

import org.openjdk.jmh.annotations.Threads;

/** {@link FleetAcquireBenchmark} with one calling thread. */
@Threads(1)
public class FleetAcquireOneThread extends FleetAcquireBenchmark {}
