/**
 * Fakes for tests of code that uses the library: {@link dev.reliability.test.ManualTimeSource}, a
 * time source that moves only when told, and {@link dev.reliability.test.ManualScheduler}, a {@link
 * dev.reliability.core.policy.PolicyScheduler} that runs delayed tasks when its time is advanced
 * past them. With them a test sees a time-out, a half-open breaker or a leak trend without
 * sleeping. Add {@code reliability-test} with test scope.
 */
package dev.reliability.test;
