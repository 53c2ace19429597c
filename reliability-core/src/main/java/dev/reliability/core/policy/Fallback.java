package dev.reliability.core.policy;

import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.error.ResourceExhaustedException;
import dev.reliability.core.internal.Checks;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a guarded call returns instead of failing: the outermost step of a {@link Policy}, after
 * retries are used up or a rejection.
 *
 * <p>A fallback receives the failure the call ended with (a rejection such as {@link
 * dev.reliability.core.error.CircuitOpenException}, a {@link
 * dev.reliability.core.error.ServiceTimeoutException}, or the call's own exception) and returns a
 * value. By default it handles every failure; {@link #when(Predicate)} and {@link #on(Class)}
 * narrow it, and failures it does not handle reach the caller unchanged. If the fallback itself
 * throws, the caller gets that exception with the original failure added as suppressed.
 *
 * <p>The fallback runs with the caller's context (request ID, MDC, trace), also when an
 * asynchronous call completes on another thread.
 *
 * <pre>{@code
 * Fallback<String> cached = Fallback.of(failure -> "cached");
 * String value = policy.execute(() -> "fresh", cached);
 * }</pre>
 *
 * <p>Immutable and thread-safe if the function is.
 *
 * @param <T> the result type
 */
public final class Fallback<T> {

  private final Function<? super Throwable, ? extends T> function;
  private final Predicate<? super Throwable> condition;

  private Fallback(
      Function<? super Throwable, ? extends T> function, Predicate<? super Throwable> condition) {
    this.function = function;
    this.condition = condition;
  }

  /**
   * Returns a fallback that computes its value from the failure.
   *
   * @param function the function; it may throw
   * @param <T> the result type
   * @return the fallback, handling every failure
   */
  public static <T> Fallback<T> of(Function<? super Throwable, ? extends T> function) {
    return new Fallback<>(Checks.notNull("function", function), null);
  }

  /**
   * Returns a fallback that always returns the same value.
   *
   * @param value the value, possibly null
   * @param <T> the result type
   * @return the fallback, handling every failure
   */
  public static <T> Fallback<T> value(T value) {
    return new Fallback<>(failure -> value, null);
  }

  /**
   * Returns a fallback that only handles the policy's own rejections (circuit open, rate limited,
   * bulkhead full; every {@link ResourceExhaustedException}), so that the dependency's real errors
   * still reach the caller.
   *
   * @param function the function
   * @param <T> the result type
   * @return the fallback
   */
  public static <T> Fallback<T> onRejection(Function<? super Throwable, ? extends T> function) {
    return Fallback.<T>of(function).on(ResourceExhaustedException.class);
  }

  /**
   * Returns a fallback that only handles failures accepted by the predicate, and by this fallback's
   * earlier conditions. The predicate sees the failure with wrapper exceptions removed.
   *
   * @param predicate true to handle; must not throw
   * @return a new fallback
   */
  public Fallback<T> when(Predicate<? super Throwable> predicate) {
    Checks.notNull("predicate", predicate);
    Predicate<? super Throwable> before = condition;
    Predicate<Throwable> both =
        before == null ? predicate::test : t -> before.test(t) && predicate.test(t);
    return new Fallback<>(function, both);
  }

  /**
   * Returns a fallback that only handles instances of a type (and of its subclasses).
   *
   * @param type the failure type
   * @return a new fallback
   */
  public Fallback<T> on(Class<? extends Throwable> type) {
    Checks.notNull("type", type);
    return when(type::isInstance);
  }

  /**
   * Returns whether this fallback handles a failure.
   *
   * @param failure the failure
   * @return true if {@link #apply(Throwable)} should be used
   */
  public boolean handles(Throwable failure) {
    return condition == null || condition.test(ErrorClassifier.unwrap(failure));
  }

  /**
   * Computes the fallback value.
   *
   * @param failure the failure the call ended with
   * @return the value
   */
  public T apply(Throwable failure) {
    return function.apply(failure);
  }
}
