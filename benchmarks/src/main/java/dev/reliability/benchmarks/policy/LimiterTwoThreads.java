package dev.reliability.benchmarks.policy;

import org.openjdk.jmh.annotations.Threads;

/** {@link LimiterBenchmark} with two calling threads sharing every limiter. */
@Threads(2)
public class LimiterTwoThreads extends LimiterBenchmark {}
