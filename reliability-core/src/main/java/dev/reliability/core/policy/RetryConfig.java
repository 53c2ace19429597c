package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.Setting;
import dev.reliability.core.error.AuthenticationException;
import dev.reliability.core.error.AuthorizationException;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.core.error.ErrorClassification;
import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.error.StandardErrorCode;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The settings of a policy's retries: how many, how long to wait between them, and which failures
 * and results are retried.
 *
 * <p><b>Which failures are retried</b>, in order:
 *
 * <ol>
 *   <li>Never: a {@link DataValidationException}, {@link AuthenticationException} or {@link
 *       AuthorizationException}, or any failure the classifier maps to their codes, whatever else
 *       is configured. Repeating a request that is wrong or not allowed cannot help.
 *   <li>Never: a type given to {@link Builder#abortOn(Class)}.
 *   <li>If {@link Builder#retryIf(Predicate)} is set: what it accepts.
 *   <li>If {@link Builder#retryOn(Class)} types are set: instances of them.
 *   <li>Otherwise, the default: what the {@link ErrorClassifier} calls retryable (timeouts,
 *       unavailable services, transport errors, transient database errors, rejections).
 * </ol>
 *
 * <p>Wrapper exceptions ({@code CompletionException}, {@code ExecutionException}, ...) are looked
 * through. A result can be retried too, with {@link Builder#retryOnResult(Predicate)}; when the
 * retries run out the last result is returned.
 *
 * <p><b>Rejections by the same policy are not retried.</b> If the policy's own circuit breaker is
 * open, its rate limit is reached or its bulkhead is full, the retry stops at once and the caller
 * gets the rejection with its retry-after hint: retrying into the policy's own refusal would only
 * burn attempts and delay the caller. A rejection that comes from further away (another policy,
 * another service) is a failure like any other and retried by the rules above.
 *
 * <p><b>Delays.</b> Before retry {@code n} the policy waits {@link #backoff()}'s delay for {@code
 * n}, randomised by {@link #jitter()}. If the failure carries a retry-after hint (a {@link
 * dev.reliability.core.error.ReliabilityException#retryAfter()} or a classification hint) and
 * {@link #respectRetryAfter()} is on, the wait is at least the hint; a hint longer than the
 * backoff's maximum delay ends the retries. {@link #maxDuration()} bounds the whole call: a retry
 * whose wait would end after it is not made. {@link #budget()} bounds retries relative to calls.
 *
 * <p>The defaults follow the hand-built retry helpers this library replaces: 3 retries, exponential
 * backoff from 1 s doubling up to 30 s, with full jitter.
 *
 * <p>Resilience4j's {@code Retry} is not used: it allocates a context per call, sleeps on the
 * system clock and has no overall deadline, decorrelated jitter or budget. This class and the
 * policy do the whole job.
 *
 * <pre>{@code
 * RetryConfig config = RetryConfig.builder()
 *     .maxRetries(3)
 *     .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2)))
 *     .jitter(Jitter.EQUAL)
 *     .maxDuration(Duration.ofSeconds(5))
 *     .build();
 * }</pre>
 *
 * <p>Configuration keys: prefix {@value #CONFIG_PREFIX}, see {@link #SETTINGS}. Immutable and
 * thread-safe.
 */
public final class RetryConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.retry";

  /** Settings may be set per policy name as well as for every policy. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** The longest time for a whole call, retries included. */
  private static final Duration MAX_DURATION_LIMIT = Duration.ofDays(7);

  /** Whether the policy retries; on when retry is configured in code or a template. */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .description(
              "Whether the policy retries; on when retry is configured in code or a template")
          .build();

  /** Retries after the first attempt. */
  public static final Setting<Integer> MAX_RETRIES =
      Setting.intSetting("max-retries")
          .defaultValue(3)
          .between(0, 1_000)
          .description("Retries after the first attempt")
          .build();

  /** The backoff's kind. */
  public static final Setting<Backoff.Kind> BACKOFF =
      Setting.enumSetting("backoff", Backoff.Kind.class)
          .defaultValue(Backoff.Kind.EXPONENTIAL)
          .description("How delays grow: fixed, linear or exponential")
          .build();

  /** The delay before the first retry; also the linear backoff's increment. */
  public static final Setting<Duration> INITIAL_DELAY =
      Setting.durationSetting("initial-delay")
          .defaultValue(Duration.ofSeconds(1))
          .between(Duration.ZERO, Duration.ofDays(1))
          .description("Delay before the first retry; also the increment of a linear backoff")
          .build();

  /** The cap on every delay. */
  public static final Setting<Duration> MAX_DELAY =
      Setting.durationSetting("max-delay")
          .defaultValue(Duration.ofSeconds(30))
          .between(Duration.ZERO, Duration.ofDays(1))
          .description("Cap on every delay, at least the initial delay")
          .build();

  /** The exponential backoff's growth factor. */
  public static final Setting<Double> MULTIPLIER =
      Setting.doubleSetting("multiplier")
          .defaultValue(2.0)
          .between(1.0, 100.0)
          .description("Growth factor of an exponential backoff")
          .build();

  /** How delays are randomised. */
  public static final Setting<Jitter> JITTER =
      Setting.enumSetting("jitter", Jitter.class)
          .defaultValue(Jitter.FULL)
          .description("How delays are randomised: none, full, equal or decorrelated")
          .build();

  /** The longest time for the whole call, retries included; 0 means no limit. */
  public static final Setting<Duration> MAX_DURATION =
      Setting.durationSetting("max-duration")
          .defaultValue(Duration.ZERO)
          .between(Duration.ZERO, MAX_DURATION_LIMIT)
          .description(
              "Longest time for the whole call, retries included; no retry starts after it;"
                  + " 0 means no limit")
          .build();

  /** Whether a failure's retry-after hint lengthens the wait. */
  public static final Setting<Boolean> RESPECT_RETRY_AFTER =
      Setting.booleanSetting("respect-retry-after")
          .defaultValue(true)
          .description("Whether a failure's retry-after hint lengthens the wait before a retry")
          .build();

  /** Retries allowed per call by the retry budget; unset means no budget. */
  public static final Setting<Double> BUDGET_RATIO =
      Setting.percentageSetting("budget-ratio")
          .description(
              "Retries allowed per call by the retry budget, such as 20%; unset: no budget")
          .build();

  /** Retries the budget may save up. */
  public static final Setting<Integer> BUDGET_RESERVE =
      Setting.intSetting("budget-reserve")
          .defaultValue(10)
          .between(1, 1_000_000)
          .description("Retries the retry budget may save up")
          .build();

  /** The rule of the retry budget; unset means the ratio rule when a budget ratio is set. */
  public static final Setting<RetryBudget.Rule> BUDGET_RULE =
      Setting.enumSetting(
              "budget-rule",
              RetryBudget.Rule.class,
              // An external budget is given in code, with its engine.
              java.util.EnumSet.complementOf(java.util.EnumSet.of(RetryBudget.Rule.EXTERNAL)))
          .description(
              "Rule of the retry budget: ratio (budget-ratio, budget-reserve), token-bucket"
                  + " (gRPC: budget-max-tokens, budget-token-ratio) or percent-of-requests"
                  + " (Finagle: budget-percent, budget-ttl, budget-min-retries-per-second);"
                  + " unset: ratio if budget-ratio is set, else no budget")
          .build();

  /** The capacity of the token-bucket rule. */
  public static final Setting<Integer> BUDGET_MAX_TOKENS =
      Setting.intSetting("budget-max-tokens")
          .defaultValue(10)
          .between(1, 1000)
          .description(
              "Capacity of the token-bucket budget; retries stop while at most half of it is left")
          .build();

  /** The tokens a successful attempt adds under the token-bucket rule. */
  public static final Setting<Double> BUDGET_TOKEN_RATIO =
      Setting.doubleSetting("budget-token-ratio")
          .defaultValue(0.1)
          .between(0.001, 1.0)
          .description(
              "Tokens a successful attempt adds to the token-bucket budget; a retryable failure"
                  + " takes one")
          .build();

  /** The retries per call allowed over the window by the percent-of-requests rule. */
  public static final Setting<Double> BUDGET_PERCENT =
      Setting.percentageSetting("budget-percent")
          .defaultValue(0.2)
          .description("Retries allowed per call over the window of the percent-of-requests budget")
          .build();

  /** The window of the percent-of-requests rule. */
  public static final Setting<Duration> BUDGET_TTL =
      Setting.durationSetting("budget-ttl")
          .defaultValue(Duration.ofSeconds(10))
          .between(Duration.ofSeconds(1), Duration.ofHours(1))
          .description("Window over which the percent-of-requests budget counts calls and retries")
          .build();

  /** The floor of the percent-of-requests rule. */
  public static final Setting<Integer> BUDGET_MIN_RETRIES_PER_SECOND =
      Setting.intSetting("budget-min-retries-per-second")
          .defaultValue(10)
          .between(0, 100_000)
          .description(
              "Retries per second of the window that the percent-of-requests budget allows"
                  + " without calls")
          .build();

  /** The name of a shared budget registered on the policy registry. */
  public static final Setting<String> BUDGET_GROUP =
      Setting.stringSetting("budget-group")
          .description(
              "Name of a shared retry budget registered on the policy registry"
                  + " (PolicyRegistry.Builder.retryBudget); the policy draws on it instead of a"
                  + " budget of its own; unset: none")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          ENABLED,
          MAX_RETRIES,
          BACKOFF,
          INITIAL_DELAY,
          MAX_DELAY,
          MULTIPLIER,
          JITTER,
          MAX_DURATION,
          RESPECT_RETRY_AFTER,
          BUDGET_RATIO,
          BUDGET_RESERVE,
          BUDGET_RULE,
          BUDGET_MAX_TOKENS,
          BUDGET_TOKEN_RATIO,
          BUDGET_PERCENT,
          BUDGET_TTL,
          BUDGET_MIN_RETRIES_PER_SECOND,
          BUDGET_GROUP);

  private static final Backoff DEFAULT_BACKOFF =
      Backoff.exponential(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30));
  private static final RetryConfig DEFAULTS = new Builder().build();

  private final int maxRetries;
  private final Backoff backoff;
  private final Jitter jitter;
  private final Duration maxDuration;
  private final boolean respectRetryAfter;
  private final RetryBudget budget;
  private final String budgetGroup;
  private final List<Class<? extends Throwable>> retryOn;
  private final List<Class<? extends Throwable>> abortOn;
  private final Predicate<? super Throwable> retryIf;
  private final Predicate<Object> retryOnResult;
  private final ErrorClassifier classifier;

  private RetryConfig(Builder b) {
    this.maxRetries = b.maxRetries;
    this.backoff = b.backoff;
    this.jitter = b.jitter;
    this.maxDuration = b.maxDuration;
    this.respectRetryAfter = b.respectRetryAfter;
    this.budget = b.budget;
    this.budgetGroup = b.budgetGroup;
    this.retryOn = List.copyOf(b.retryOn);
    this.abortOn = List.copyOf(b.abortOn);
    this.retryIf = b.retryIf;
    this.retryOnResult = b.retryOnResult;
    this.classifier = b.classifier;
  }

  /**
   * Returns the defaults: 3 retries, exponential backoff from 1 s doubling up to 30 s, full jitter,
   * retry on what the default classifier calls retryable.
   *
   * @return the default configuration
   */
  public static RetryConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder starting from this configuration, to derive a variant; this configuration is
   * unchanged.
   *
   * @return a new builder holding this configuration's values
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns the number of retries after the first attempt.
   *
   * @return the maximum number of retries
   */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * Returns the backoff.
   *
   * @return the backoff
   */
  public Backoff backoff() {
    return backoff;
  }

  /**
   * Returns the jitter.
   *
   * @return the jitter
   */
  public Jitter jitter() {
    return jitter;
  }

  /**
   * Returns the longest time for the whole call; zero means no limit.
   *
   * @return the maximum duration
   */
  public Duration maxDuration() {
    return maxDuration;
  }

  /**
   * Returns whether a failure's retry-after hint lengthens the wait.
   *
   * @return true by default
   */
  public boolean respectRetryAfter() {
    return respectRetryAfter;
  }

  /**
   * Returns the retry budget, if any.
   *
   * @return the budget, or empty
   */
  public Optional<RetryBudget> budget() {
    return Optional.ofNullable(budget);
  }

  /**
   * Returns the name of the shared budget, registered on the policy registry, that the policy draws
   * on; the registry sets it as {@link #budget()} when it builds the policy.
   *
   * @return the group's name, or empty
   */
  public Optional<String> budgetGroup() {
    return Optional.ofNullable(budgetGroup);
  }

  /**
   * Replaces the budget of a configuration whose retry names a budget group by that group's shared
   * budget.
   *
   * @param config the policy's configuration
   * @param groups the shared budgets by group name
   * @return the configuration with the group's budget, or {@code config} if it names no group
   * @throws IllegalArgumentException if the group is not among {@code groups}
   */
  static PolicyConfig withGroupBudget(PolicyConfig config, Map<String, RetryBudget> groups) {
    RetryConfig r = config.retry().orElse(null);
    if (r == null || r.budgetGroup == null) {
      return config;
    }
    RetryBudget shared = groups.get(r.budgetGroup);
    if (shared == null) {
      throw new IllegalArgumentException(
          "budget-group must be one of "
              + new TreeSet<>(groups.keySet())
              + " (the budgets given to PolicyRegistry.Builder.retryBudget), was \""
              + Checks.shortened(r.budgetGroup)
              + "\"");
    }
    if (shared == r.budget) {
      return config;
    }
    return config.toBuilder().retry(r.toBuilder().budget(shared).build()).build();
  }

  /**
   * Returns the classifier of the default retry rule.
   *
   * @return the classifier
   */
  public ErrorClassifier classifier() {
    return classifier;
  }

  /**
   * Returns whether a failure may be retried by this configuration's rules, regardless of attempts
   * left, deadline and budget.
   *
   * @param failure the failure of an attempt
   * @return true if the failure is retryable
   */
  public boolean isRetryable(Throwable failure) {
    Throwable t = ErrorClassifier.unwrap(failure);
    if (t == null || neverRetried(t)) {
      return false;
    }
    for (Class<? extends Throwable> type : abortOn) {
      if (type.isInstance(t)) {
        return false;
      }
    }
    if (retryIf != null) {
      return retryIf.test(t);
    }
    if (!retryOn.isEmpty()) {
      for (Class<? extends Throwable> type : retryOn) {
        if (type.isInstance(t)) {
          return true;
        }
      }
      return false;
    }
    return classifier.isRetryable(t);
  }

  /**
   * Returns whether a result is retried.
   *
   * @param result the result of an attempt, possibly null
   * @return true to retry
   */
  public boolean isRetryableResult(Object result) {
    return retryOnResult != null && retryOnResult.test(result);
  }

  /**
   * Returns whether results are checked with a {@link Builder#retryOnResult(Predicate)} rule.
   *
   * @return true if a result rule is set
   */
  public boolean hasResultRule() {
    return retryOnResult != null;
  }

  private boolean neverRetried(Throwable t) {
    if (t instanceof DataValidationException
        || t instanceof AuthenticationException
        || t instanceof AuthorizationException) {
      return true;
    }
    ErrorClassification c = classifier.classify(t);
    String code = c.errorCode().code();
    return code.equals(StandardErrorCode.DATA_VALIDATION_ERROR.code())
        || code.equals(StandardErrorCode.AUTHENTICATION_FAILED.code())
        || code.equals(StandardErrorCode.AUTHORIZATION_FAILED.code());
  }

  /**
   * Applies the configuration keys of one policy on top of this configuration.
   *
   * @param binder the binder for the policy's instance under {@link #CONFIG_PREFIX}
   * @return the configuration with the configured values
   * @throws IllegalArgumentException if the configured delays contradict each other
   */
  RetryConfig bind(ConfigBinder binder) {
    Builder b = toBuilder();
    b.maxRetries(binder.get(MAX_RETRIES, maxRetries));
    Optional<Backoff.Kind> kind = binder.find(BACKOFF);
    Optional<Duration> initial = binder.find(INITIAL_DELAY);
    Optional<Duration> max = binder.find(MAX_DELAY);
    Optional<Double> multiplier = binder.find(MULTIPLIER);
    if (kind.isPresent() || initial.isPresent() || max.isPresent() || multiplier.isPresent()) {
      Backoff.Kind k = kind.orElse(backoff.kind());
      Duration i = initial.orElse(backoff.initialDelay());
      Duration m = max.orElse(backoff.maxDelay());
      if (max.isEmpty() && m.compareTo(i) < 0) {
        m = i;
      }
      double x =
          multiplier.orElse(
              backoff.kind() == Backoff.Kind.EXPONENTIAL ? backoff.multiplier() : 2.0);
      b.backoff(Backoff.of(k, i, x, m));
    }
    b.jitter(binder.get(JITTER, jitter));
    b.maxDuration(binder.get(MAX_DURATION, maxDuration));
    b.respectRetryAfter(binder.get(RESPECT_RETRY_AFTER, respectRetryAfter));
    bindBudget(binder, b);
    binder.find(BUDGET_GROUP).ifPresent(b::budgetGroup);
    return b.build();
  }

  /** Binds the budget's settings; a budget none of them names stays as it is. */
  private void bindBudget(ConfigBinder binder, Builder b) {
    RetryBudget.Rule current = budget == null ? null : budget.rule();
    RetryBudget.Rule rule = binder.find(BUDGET_RULE).orElse(null);
    Optional<Double> ratio = binder.find(BUDGET_RATIO);
    Optional<Integer> reserve = binder.find(BUDGET_RESERVE);
    Optional<Integer> maxTokens = binder.find(BUDGET_MAX_TOKENS);
    Optional<Double> tokenRatio = binder.find(BUDGET_TOKEN_RATIO);
    Optional<Double> percent = binder.find(BUDGET_PERCENT);
    Optional<Duration> ttl = binder.find(BUDGET_TTL);
    Optional<Integer> floor = binder.find(BUDGET_MIN_RETRIES_PER_SECOND);
    if (budget != null && budget.isShared()) {
      // One policy's keys cannot retune a budget other policies share, nor silently leave it.
      List<Map.Entry<Setting<?>, Optional<?>>> found =
          List.of(
              Map.entry(BUDGET_RULE, Optional.ofNullable(rule)),
              Map.entry(BUDGET_RATIO, ratio),
              Map.entry(BUDGET_RESERVE, reserve),
              Map.entry(BUDGET_MAX_TOKENS, maxTokens),
              Map.entry(BUDGET_TOKEN_RATIO, tokenRatio),
              Map.entry(BUDGET_PERCENT, percent),
              Map.entry(BUDGET_TTL, ttl),
              Map.entry(BUDGET_MIN_RETRIES_PER_SECOND, floor));
      for (Map.Entry<Setting<?>, Optional<?>> e : found) {
        if (e.getValue().isPresent()) {
          throw new IllegalArgumentException(
              e.getKey().name()
                  + " must be unset for a policy whose code gives it the shared budget '"
                  + budget.sharedName().orElseThrow()
                  + "' (use budget-group to pick another), was "
                  + e.getValue().get());
        }
      }
      return;
    }
    if (rule == null) {
      if (ratio.isPresent()) {
        rule = RetryBudget.Rule.RATIO;
      } else if (current != null
          && switch (current) {
            case RATIO -> reserve.isPresent();
            case TOKEN_BUCKET -> maxTokens.isPresent() || tokenRatio.isPresent();
            case PERCENT_OF_REQUESTS -> percent.isPresent() || ttl.isPresent() || floor.isPresent();
            // Never here: an external budget is shared, handled above.
            case EXTERNAL -> false;
          }) {
        rule = current;
      } else {
        return;
      }
    }
    boolean same = rule == current;
    switch (rule) {
      case RATIO ->
          b.budget(
              RetryBudget.of(
                  ratio.orElse(same ? budget.ratio() : 0.2),
                  reserve.orElse(
                      same ? budget.reserve() : BUDGET_RESERVE.defaultValue().orElseThrow())));
      case TOKEN_BUCKET ->
          b.budget(
              RetryBudget.tokenBucket(
                  maxTokens.orElse(
                      same ? budget.maxTokens() : BUDGET_MAX_TOKENS.defaultValue().orElseThrow()),
                  tokenRatio.orElse(
                      same
                          ? budget.tokenRatio()
                          : BUDGET_TOKEN_RATIO.defaultValue().orElseThrow())));
      case PERCENT_OF_REQUESTS ->
          b.budget(
              RetryBudget.percentOfRequests(
                  percent.orElse(
                      same
                          ? budget.percentCanRetry()
                          : BUDGET_PERCENT.defaultValue().orElseThrow()),
                  ttl.orElse(same ? budget.ttl() : BUDGET_TTL.defaultValue().orElseThrow()),
                  floor.orElse(
                      same
                          ? budget.minRetriesPerSecond()
                          : BUDGET_MIN_RETRIES_PER_SECOND.defaultValue().orElseThrow())));
    }
  }

  @Override
  public String toString() {
    return "RetryConfig[maxRetries="
        + maxRetries
        + ", backoff="
        + backoff
        + ", jitter="
        + jitter
        + ", maxDuration="
        + DurationText.format(maxDuration)
        + ", respectRetryAfter="
        + respectRetryAfter
        + (budget == null ? "" : ", budget=" + budget)
        + (budgetGroup == null ? "" : ", budgetGroup=" + budgetGroup)
        + "]";
  }

  /** Builds a {@link RetryConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private int maxRetries = 3;
    private Backoff backoff = DEFAULT_BACKOFF;
    private Jitter jitter = Jitter.FULL;
    private Duration maxDuration = Duration.ZERO;
    private boolean respectRetryAfter = true;
    private RetryBudget budget;
    private String budgetGroup;
    private final List<Class<? extends Throwable>> retryOn = new ArrayList<>();
    private final List<Class<? extends Throwable>> abortOn = new ArrayList<>();
    private Predicate<? super Throwable> retryIf;
    private Predicate<Object> retryOnResult;
    private ErrorClassifier classifier = ErrorClassifier.defaults();

    private Builder() {}

    private Builder(RetryConfig c) {
      this.maxRetries = c.maxRetries;
      this.backoff = c.backoff;
      this.jitter = c.jitter;
      this.maxDuration = c.maxDuration;
      this.respectRetryAfter = c.respectRetryAfter;
      this.budget = c.budget;
      this.budgetGroup = c.budgetGroup;
      this.retryOn.addAll(c.retryOn);
      this.abortOn.addAll(c.abortOn);
      this.retryIf = c.retryIf;
      this.retryOnResult = c.retryOnResult;
      this.classifier = c.classifier;
    }

    /**
     * Sets the number of retries after the first attempt. Default 3; 0 makes the retry count only.
     *
     * @param maxRetries 0 to 1,000 ({@link #MAX_RETRIES})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxRetries(int maxRetries) {
      this.maxRetries = MAX_RETRIES.check(maxRetries);
      return this;
    }

    /**
     * Sets the backoff. Default exponential from 1 s, doubling, up to 30 s.
     *
     * @param backoff the backoff
     * @return this builder
     */
    public Builder backoff(Backoff backoff) {
      this.backoff = Checks.notNull("backoff", backoff);
      return this;
    }

    /**
     * Sets the jitter. Default {@link Jitter#FULL}.
     *
     * @param jitter the jitter
     * @return this builder
     */
    public Builder jitter(Jitter jitter) {
      this.jitter = JITTER.check(jitter);
      return this;
    }

    /**
     * Sets the longest time for the whole call, measured from its start; no retry is made whose
     * wait would end after it. It does not interrupt a running attempt: combine it with a time
     * limit for that. Default zero, no limit.
     *
     * @param maxDuration zero or longer, at most seven days
     * @return this builder
     * @throws IllegalArgumentException if negative or longer than seven days
     */
    public Builder maxDuration(Duration maxDuration) {
      this.maxDuration = MAX_DURATION.check(maxDuration);
      return this;
    }

    /**
     * Sets whether a failure's retry-after hint lengthens the wait. Default true.
     *
     * @param respect false to ignore hints
     * @return this builder
     */
    public Builder respectRetryAfter(boolean respect) {
      this.respectRetryAfter = respect;
      return this;
    }

    /**
     * Sets a retry budget. Default none.
     *
     * @param budget the budget
     * @return this builder
     */
    public Builder budget(RetryBudget budget) {
      this.budget = Checks.notNull("budget", budget);
      return this;
    }

    /**
     * Names a shared budget registered on the policy registry ({@link
     * PolicyRegistry.Builder#retryBudget(String, RetryBudget)}): every policy the registry builds
     * with this configuration draws on that one budget, in place of {@link #budget(RetryBudget)}. A
     * policy built outside a registry with a group fails to build. Default none.
     *
     * @param group the group's name
     * @return this builder
     * @throws IllegalArgumentException if the name is blank
     */
    public Builder budgetGroup(String group) {
      this.budgetGroup = Checks.notBlank("budgetGroup", group);
      return this;
    }

    /**
     * Removes the retry budget and the budget group.
     *
     * @return this builder
     */
    public Builder noBudget() {
      this.budget = null;
      this.budgetGroup = null;
      return this;
    }

    /**
     * Adds a type whose instances (and subclasses') are retried, instead of the classifier's rule.
     * Validation and authorization errors are still never retried.
     *
     * @param type the failure type
     * @return this builder
     */
    public Builder retryOn(Class<? extends Throwable> type) {
      retryOn.add(Checks.notNull("type", type));
      return this;
    }

    /**
     * Adds a type whose instances are never retried.
     *
     * @param type the failure type
     * @return this builder
     */
    public Builder abortOn(Class<? extends Throwable> type) {
      abortOn.add(Checks.notNull("type", type));
      return this;
    }

    /**
     * Sets the rule for which failures are retried, replacing the types and the classifier's rule.
     * Validation and authorization errors and {@link #abortOn(Class)} types are still never
     * retried. The predicate sees the failure with wrappers removed.
     *
     * @param predicate true to retry; must not throw
     * @return this builder
     */
    public Builder retryIf(Predicate<? super Throwable> predicate) {
      this.retryIf = Checks.notNull("predicate", predicate);
      return this;
    }

    /**
     * Sets which results are retried, such as an HTTP response with status 503. When the retries
     * run out the last result is returned.
     *
     * @param predicate true to retry; receives null results too; must not throw
     * @return this builder
     */
    public Builder retryOnResult(Predicate<Object> predicate) {
      this.retryOnResult = Checks.notNull("predicate", predicate);
      return this;
    }

    /**
     * Sets the classifier of the default rule. Default {@link ErrorClassifier#defaults()}.
     *
     * @param classifier the classifier
     * @return this builder
     */
    public Builder classifier(ErrorClassifier classifier) {
      this.classifier = Checks.notNull("classifier", classifier);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     */
    public RetryConfig build() {
      return new RetryConfig(this);
    }
  }
}
