package dev.reliability.health.internal;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An executor for a {@link RunContext} in tests: each task is handed, on the submitting thread, to
 * a function that runs it (or does something else first), so a run starts and ends inside the probe
 * that submitted it.
 */
final class InlineExecutor extends AbstractExecutorService {

  private final Consumer<Runnable> onExecute;

  /** Runs each task at once. */
  InlineExecutor() {
    this(Runnable::run);
  }

  /** Hands each task to the function. */
  InlineExecutor(Consumer<Runnable> onExecute) {
    this.onExecute = onExecute;
  }

  @Override
  public void execute(Runnable command) {
    onExecute.accept(command);
  }

  @Override
  public void shutdown() {}

  @Override
  public List<Runnable> shutdownNow() {
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }
}
