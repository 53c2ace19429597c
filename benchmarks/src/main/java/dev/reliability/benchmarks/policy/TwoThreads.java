package dev.reliability.benchmarks.policy;

import org.openjdk.jmh.annotations.Threads;

/** {@link PolicyBenchmark} with two calling threads sharing every policy. */
@Threads(2)
public class TwoThreads extends PolicyBenchmark {}
