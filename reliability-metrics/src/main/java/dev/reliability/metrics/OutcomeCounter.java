package dev.reliability.metrics;

import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.error.ErrorCode;
import dev.reliability.core.internal.Checks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts operations by outcome and, for failures, by error code: one meter that answers "how many",
 * "how many succeeded" and "which errors" (seed teams kept {@code requests_total}, {@code
 * requests_success}, {@code requests_failed} and {@code errors_total{error_type}} apart).
 *
 * <p>Meter: the given name with tags {@code outcome} ({@code success}, {@code failure}, or an
 * outcome of your own) and {@code error_code} ({@code none} for non-failures; for a failure, the
 * code the {@link ErrorClassifier} assigns). Prometheus: {@code <name>_total}. Outcomes and codes
 * are each capped by a {@link CardinalityGuard} (20 outcomes, 100 codes).
 *
 * <pre>{@code
 * OutcomeCounter jobs = OutcomeCounter.builder("app.jobs").register(registry);
 * jobs.success();
 * jobs.failure(new ServiceTimeoutException("pricing", Duration.ofSeconds(2)));
 * }</pre>
 *
 * <p>Thread-safe; recording an outcome seen before does not allocate (classifying a failure may).
 */
public final class OutcomeCounter {

  /** The outcome of a success. */
  public static final String SUCCESS = "success";

  /** The outcome of a failure. */
  public static final String FAILURE = "failure";

  private static final String NONE = "none";

  private final String name;
  private final String description;
  private final MeterRegistry registry;
  private final ErrorClassifier classifier;
  private final CardinalityGuard outcomes;
  private final CardinalityGuard codes;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> counters =
      new ConcurrentHashMap<>();

  private OutcomeCounter(Builder b, MeterRegistry registry) {
    this.name = b.name;
    this.description = b.description;
    this.registry = registry;
    this.classifier = b.classifier;
    this.outcomes = CardinalityGuard.builder(name, "outcome").maxValues(20).build(registry);
    this.codes = CardinalityGuard.builder(name, "error_code").maxValues(100).build(registry);
    counter(SUCCESS, NONE);
  }

  /**
   * Starts a builder.
   *
   * @param name the meter name, such as {@code app.jobs}
   * @return a builder
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Builder builder(String name) {
    return new Builder(Checks.notBlank("name", name));
  }

  /** Counts a success. */
  public void success() {
    counter(SUCCESS, NONE).increment();
  }

  /**
   * Counts a failure with the error code the classifier assigns to it.
   *
   * @param failure the failure; null counts as {@code INTERNAL_ERROR}
   */
  public void failure(Throwable failure) {
    String code;
    try {
      code = failure == null ? "INTERNAL_ERROR" : classifier.classify(failure).errorCode().code();
    } catch (RuntimeException e) {
      code = "INTERNAL_ERROR";
    }
    counter(FAILURE, code).increment();
  }

  /**
   * Counts a failure with a known error code.
   *
   * @param errorCode the code; null counts as {@code none}
   */
  public void failure(ErrorCode errorCode) {
    counter(FAILURE, errorCode == null ? NONE : errorCode.code()).increment();
  }

  /**
   * Counts an outcome of your own, such as {@code rejected} or {@code cached}.
   *
   * @param outcome the outcome; null counts as {@code none}
   */
  public void record(String outcome) {
    counter(outcome, NONE).increment();
  }

  /**
   * Returns the counter of one outcome and error code.
   *
   * @param outcome the outcome
   * @param errorCode the error code, or {@code none}
   * @return the counter
   */
  public Counter counter(String outcome, String errorCode) {
    String o = outcomes.admit(outcome);
    String c = codes.admit(errorCode);
    ConcurrentHashMap<String, Counter> byCode = counters.get(o);
    if (byCode == null) {
      byCode = counters.computeIfAbsent(o, k -> new ConcurrentHashMap<>());
    }
    Counter counter = byCode.get(c);
    if (counter == null) {
      counter =
          byCode.computeIfAbsent(
              c,
              k ->
                  Counter.builder(name)
                      .description(description)
                      .tag("outcome", o)
                      .tag("error_code", k)
                      .register(registry));
    }
    return counter;
  }

  /** Builds an {@link OutcomeCounter}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private String description = "Operations by outcome and error code";
    private ErrorClassifier classifier = ErrorClassifier.defaults();

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the description (Prometheus HELP).
     *
     * @param description the description
     * @return this builder
     */
    public Builder description(String description) {
      this.description = Checks.notNull("description", description);
      return this;
    }

    /**
     * Sets the classifier for {@link #failure(Throwable)}. Default {@link
     * ErrorClassifier#defaults()}.
     *
     * @param classifier the classifier
     * @return this builder
     */
    public Builder errorClassifier(ErrorClassifier classifier) {
      this.classifier = Checks.notNull("classifier", classifier);
      return this;
    }

    /**
     * Builds the counter and registers its {@code success} series.
     *
     * @param registry where series are registered
     * @return the outcome counter
     */
    public OutcomeCounter register(MeterRegistry registry) {
      Checks.notNull("registry", registry);
      return new OutcomeCounter(this, registry);
    }
  }
}
