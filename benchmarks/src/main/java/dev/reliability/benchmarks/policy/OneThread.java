package dev.reliability.benchmarks.policy;

import org.openjdk.jmh.annotations.Threads;

/** {@link PolicyBenchmark} with one calling thread. */
@Threads(1)
public class OneThread extends PolicyBenchmark {}
