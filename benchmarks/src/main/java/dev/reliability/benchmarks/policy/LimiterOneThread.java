package dev.reliability.benchmarks.policy;

import org.openjdk.jmh.annotations.Threads;

/** {@link LimiterBenchmark} with one calling thread. */
@Threads(1)
public class LimiterOneThread extends LimiterBenchmark {}
