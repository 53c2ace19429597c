/**
 * Leak detection: the heap's live set after garbage collection and any other growing gauge, judged
 * by a robust trend test, with early warning, no alarms on warming caches, steps or bursts, and the
 * means to say what leaks.
 *
 * <p>Start with {@link dev.reliability.core.leak.LeakDetector}; its {@link
 * dev.reliability.core.leak.LeakReport} is what health checks and metrics read. {@link
 * dev.reliability.core.leak.TrendDetector} is the trend test for one series, usable on its own and
 * driveable with synthetic samples. {@link dev.reliability.core.leak.LeakSuspects} (class histogram
 * diffs) and {@link dev.reliability.core.leak.AllocationSites} (JFR old-object samples) point at
 * the leaking code.
 */
package dev.reliability.core.leak;
