package dev.reliability.core.policy;

import dev.reliability.core.error.ThrottledException;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.internal.ThrottleWindow;
import dev.reliability.core.time.TimeSource;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Client-side adaptive throttling, as the Google SRE book describes it ("Handling Overload"): a
 * client that sees its dependency refuse requests refuses some of them itself, before they cost the
 * dependency anything, with probability
 *
 * <pre>{@code max(0, (requests - k * accepts) / (requests + 1))}</pre>
 *
 * <p>at most {@link ThrottleConfig#maxRejectionProbability()} (0.9), over a sliding window ({@link
 * ThrottleConfig#window()}, 2 minutes by default). {@code requests} counts every attempt, those
 * refused locally included; {@code accepts} those the dependency accepted. While the dependency
 * accepts everything the probability is zero; when it refuses, the client sends about {@code k}
 * times what it accepts and refuses the rest at once. When the dependency heals, accepts rise with
 * the requests still sent and the probability decays to zero as the refusals slide out of the
 * window. It is a softer alternative to a circuit breaker: no all-or-nothing state, always some
 * traffic to see recovery.
 *
 * <p>Usage: call {@link #tryAcquire()} before sending; if it returns false, do not send (a policy
 * ends the call with {@link ThrottledException}). After sending, report the outcome with {@link
 * #onAccepted()}, {@link #onRejected()} or {@link #record(Throwable)}; if a permitted request is
 * not sent after all, {@link #onNotSent()} takes its request back. Inside a {@link Policy} ({@link
 * Policy.Builder#throttle(ThrottleConfig)}) all of that is done for each attempt.
 *
 * <pre>{@code
 * AdaptiveThrottle throttle =
 *     AdaptiveThrottle.create("inventory", ThrottleConfig.ofDefaults(), TimeSource.system());
 * if (throttle.tryAcquire()) {
 *   try {
 *     client.send(request);
 *     throttle.onAccepted();
 *   } catch (RuntimeException e) {
 *     throttle.record(e);
 *     throw e;
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safe and lock-free: the window is a ring of time buckets on the given clock, rotated by
 * compare-and-set; no call allocates (a bucket is allocated once per bucket period) and each reads
 * every bucket once, so {@link ThrottleConfig#buckets()} is the cost of a call.
 */
public final class AdaptiveThrottle {

  private final String name;
  private final ThrottleConfig config;
  private final ThrottleWindow window;
  private final double k;
  private final long minimumRequests;
  private final double maxProbability;
  private final long retryAfterNanos;
  private final DoubleSupplier random;
  private final LongAdder throttled = new LongAdder();

  private AdaptiveThrottle(
      String name, ThrottleConfig config, TimeSource time, DoubleSupplier random) {
    this.name = name;
    this.config = config;
    this.window = new ThrottleWindow(config.window(), config.buckets(), time);
    this.k = config.k();
    this.minimumRequests = config.minimumRequests();
    this.maxProbability = config.maxRejectionProbability();
    this.retryAfterNanos = config.retryAfter().isZero() ? -1 : config.retryAfter().toNanos();
    this.random = random;
  }

  /**
   * Creates a throttle with an empty window, drawing its random numbers from {@link
   * ThreadLocalRandom}.
   *
   * @param name the name its refusals carry, such as the dependency's or the policy's
   * @param config the settings
   * @param time the clock the window slides on
   * @return the throttle
   * @throws IllegalArgumentException if the name is blank
   * @throws NullPointerException if an argument is null
   */
  public static AdaptiveThrottle create(String name, ThrottleConfig config, TimeSource time) {
    return create(name, config, time, Checks.notNull("config", config).random());
  }

  /**
   * Creates a throttle with an empty window and a given source of random numbers, so tests decide
   * which calls are refused.
   *
   * @param name the name its refusals carry, such as the dependency's or the policy's
   * @param config the settings
   * @param time the clock the window slides on
   * @param random returns numbers from 0 (inclusive) to 1 (exclusive); a call is refused when the
   *     number is below the rejection probability; null for {@link ThreadLocalRandom}. Called from
   *     any thread, only while the probability is above zero
   * @return the throttle
   * @throws IllegalArgumentException if the name is blank
   * @throws NullPointerException if the config or the clock is null
   */
  public static AdaptiveThrottle create(
      String name, ThrottleConfig config, TimeSource time, DoubleSupplier random) {
    Checks.notBlank("name", name);
    Checks.notNull("config", config);
    Checks.notNull("time", time);
    return new AdaptiveThrottle(name, config, time, random);
  }

  /**
   * Decides whether to send a request: counts it as a request and refuses it with the current
   * {@linkplain #rejectionProbability() rejection probability} (computed before this request is
   * counted). Never blocks, never throws.
   *
   * @return true to send the request, false if it is refused locally
   */
  public boolean tryAcquire() {
    long epoch = window.epoch();
    double p = Math.min(maxProbability, window.rejectionProbability(epoch, k, minimumRequests));
    window.add(epoch, ThrottleWindow.REQUEST);
    if (p > 0 && draw() < p) {
      throttled.increment();
      return false;
    }
    return true;
  }

  private double draw() {
    DoubleSupplier r = random;
    return r == null ? ThreadLocalRandom.current().nextDouble() : r.getAsDouble();
  }

  /** Reports that the dependency accepted a request sent after {@link #tryAcquire()}. */
  public void onAccepted() {
    window.add(window.epoch(), ThrottleWindow.ACCEPT);
  }

  /**
   * Reports that the dependency refused a request sent after {@link #tryAcquire()} (overloaded,
   * unavailable, rate-limited). The request stays counted, without an accept; nothing else changes.
   */
  public void onRejected() {
    // The request was counted by tryAcquire; a refusal is the absence of an accept.
  }

  /**
   * Reports the outcome of a sent request: accepted when {@code failure} is null or not a refusal
   * by {@link ThrottleConfig#isRejection(Throwable)}, refused otherwise.
   *
   * @param failure what the request failed with, or null if it succeeded
   */
  public void record(Throwable failure) {
    if (failure == null || !config.isRejection(failure)) {
      onAccepted();
    } else {
      onRejected();
    }
  }

  /**
   * Reports a value a sent request returned: refused when {@link
   * ThrottleConfig#isRejectedResult(Object)} says so, accepted otherwise.
   *
   * @param result the value, possibly null
   */
  public void recordResult(Object result) {
    if (config.isRejectedResult(result)) {
      onRejected();
    } else {
      onAccepted();
    }
  }

  /**
   * Takes back the request of a {@link #tryAcquire()} that permitted it when the request was not
   * sent after all, such as when a later local limit (a rate limiter, a bulkhead) refused it: the
   * dependency did not see it, so it must not count against it.
   */
  public void onNotSent() {
    window.add(window.epoch(), -ThrottleWindow.REQUEST);
  }

  /**
   * Returns the requests counted in the window now, local refusals included.
   *
   * @return the requests
   */
  public long requests() {
    return window.requests(window.epoch());
  }

  /**
   * Returns the requests the dependency accepted in the window now.
   *
   * @return the accepts
   */
  public long accepts() {
    return window.accepts(window.epoch());
  }

  /**
   * Returns the probability that the next request is refused locally: {@code max(0, (requests - k *
   * accepts) / (requests + 1))} over the window now, zero below {@link
   * ThrottleConfig#minimumRequests()} requests, at most {@link
   * ThrottleConfig#maxRejectionProbability()}.
   *
   * @return the probability, at least 0 and below 1
   */
  public double rejectionProbability() {
    return Math.min(
        maxProbability, window.rejectionProbability(window.epoch(), k, minimumRequests));
  }

  /**
   * Returns the requests refused locally since the throttle was made.
   *
   * @return the count
   */
  public long throttledCalls() {
    return throttled.sum();
  }

  /**
   * Returns the exception a refused call ends with: {@link ThrottledException} naming this
   * throttle, with its retry-after hint and the current rejection probability. No stack trace.
   *
   * @return a new exception
   */
  public ThrottledException rejection() {
    return new ThrottledException(name, retryAfterNanos, rejectionProbability());
  }

  /**
   * Returns the name refusals carry.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the settings.
   *
   * @return the configuration
   */
  public ThrottleConfig config() {
    return config;
  }

  @Override
  public String toString() {
    return "AdaptiveThrottle["
        + name
        + ", requests="
        + requests()
        + ", accepts="
        + accepts()
        + ", rejectionProbability="
        + rejectionProbability()
        + "]";
  }
}
