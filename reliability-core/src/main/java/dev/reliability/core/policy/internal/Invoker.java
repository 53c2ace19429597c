package dev.reliability.core.policy.internal;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Calls the user's function whatever its shape, without wrapping it in an adapter object per call.
 *
 * <p>Internal: may change at any time.
 */
public final class Invoker {

  /** A {@link Supplier}. */
  public static final int SUPPLIER = 0;

  /** A {@link Callable}. */
  public static final int CALLABLE = 1;

  /** A {@link Runnable}. */
  public static final int RUNNABLE = 2;

  private Invoker() {}

  static Object invoke(Object fn, int shape) throws Exception {
    switch (shape) {
      case SUPPLIER:
        return ((Supplier<?>) fn).get();
      case CALLABLE:
        return ((Callable<?>) fn).call();
      default:
        ((Runnable) fn).run();
        return null;
    }
  }

  /**
   * Throws any throwable without declaring it; the caller writes {@code throw sneakyThrow(t)}.
   *
   * @param t the throwable
   * @return never
   */
  public static RuntimeException sneakyThrow(Throwable t) {
    throw Invoker.<RuntimeException>sneaky(t);
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
