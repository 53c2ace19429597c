package dev.reliability.core.config;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.core.redaction.Redactor;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The definition of one setting: its name, type, parser, default, allowed range and description.
 *
 * <p>Components declare their settings as constants and read them through a {@link ConfigBinder},
 * which also uses the definitions to produce the configuration reference. The name is relative to
 * the component's prefix: the circuit breaker's {@code failure-threshold} becomes {@code
 * reliability.circuitbreaker.failure-threshold} for all breakers and {@code
 * reliability.circuitbreaker.payments.failure-threshold} for the one named {@code payments}.
 *
 * <pre>{@code
 * static final Setting<Integer> FAILURE_THRESHOLD =
 *     Setting.intSetting("failure-threshold").defaultValue(5).between(1, 10_000)
 *         .description("Failures in the window that open the breaker").build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the value type
 */
public final class Setting<T> {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*([.-][a-z0-9]+)*");

  private final String name;
  private final String type;
  private final ValueParser<T> parser;
  private final T defaultValue;
  private final Predicate<T> domain;
  private final Predicate<T> rule;
  private final String ruleText;
  private final String description;

  private Setting(Builder<T> b) {
    this.name = b.name;
    this.type = b.type;
    this.parser = b.parser;
    this.defaultValue = b.defaultValue;
    this.domain = b.domain;
    this.rule = b.rule;
    this.ruleText = b.ruleText;
    this.description = b.description;
  }

  /**
   * Starts a whole-number setting.
   *
   * @param name the relative name, lower-case words joined by dashes or dots
   * @return a builder
   */
  public static Builder<Integer> intSetting(String name) {
    return new Builder<>(name, "integer", ValueParsers::parseInt);
  }

  /**
   * Starts a whole-number setting with the range of a {@code long}.
   *
   * @param name the relative name
   * @return a builder
   */
  public static Builder<Long> longSetting(String name) {
    return new Builder<>(name, "integer", ValueParsers::parseLong);
  }

  /**
   * Starts a decimal-number setting.
   *
   * @param name the relative name
   * @return a builder
   */
  public static Builder<Double> doubleSetting(String name) {
    return new Builder<Double>(name, "number", ValueParsers::parseDouble).domain(Double::isFinite);
  }

  /**
   * Starts a duration setting whose bare numbers are milliseconds.
   *
   * @param name the relative name
   * @return a builder
   */
  public static Builder<Duration> durationSetting(String name) {
    return durationSetting(name, ChronoUnit.MILLIS);
  }

  /**
   * Starts a duration setting.
   *
   * @param name the relative name
   * @param bareNumberUnit the unit of a number written without one, such as seconds for settings
   *     that older configurations wrote as {@code 60}
   * @return a builder
   */
  public static Builder<Duration> durationSetting(String name, ChronoUnit bareNumberUnit) {
    Checks.notNull("bareNumberUnit", bareNumberUnit);
    return new Builder<Duration>(
            name, "duration", text -> ValueParsers.parseDuration(text, bareNumberUnit))
        .domain(d -> !d.isNegative() && d.compareTo(ValueParsers.MAX_DURATION) <= 0);
  }

  /**
   * Starts a data-size setting, in bytes.
   *
   * @param name the relative name
   * @return a builder
   */
  public static Builder<Long> sizeSetting(String name) {
    return new Builder<Long>(name, "size", ValueParsers::parseSize).domain(v -> v >= 0);
  }

  /**
   * Starts a percentage setting, read as a fraction between 0.0 and 1.0.
   *
   * @param name the relative name
   * @return a builder
   */
  public static Builder<Double> percentageSetting(String name) {
    return new Builder<Double>(name, "percentage", ValueParsers::parsePercentage)
        .domain(v -> v >= 0.0 && v <= 1.0);
  }

  /**
   * Starts a boolean setting.
   *
   * @param name the relative name
   * @return a builder
   */
  public static Builder<Boolean> booleanSetting(String name) {
    return new Builder<>(name, "boolean", ValueParsers::parseBoolean);
  }

  /**
   * Starts a text setting.
   *
   * @param name the relative name
   * @return a builder
   */
  public static Builder<String> stringSetting(String name) {
    return new Builder<>(name, "string", text -> text);
  }

  /**
   * Starts a setting whose value is one of an enum's constants, matched without case and with
   * {@code -} and {@code _} treated alike.
   *
   * @param name the relative name
   * @param type the enum class
   * @param <E> the enum type
   * @return a builder
   */
  public static <E extends Enum<E>> Builder<E> enumSetting(String name, Class<E> type) {
    Checks.notNull("type", type);
    return enumSetting(name, type, java.util.EnumSet.allOf(type));
  }

  /**
   * Starts a setting whose value is one of some of an enum's constants, matched without case and
   * with {@code -} and {@code _} treated alike; the others are refused as unknown.
   *
   * @param name the relative name
   * @param type the enum class
   * @param values the constants the setting accepts, at least one
   * @param <E> the enum type
   * @return a builder
   */
  public static <E extends Enum<E>> Builder<E> enumSetting(
      String name, Class<E> type, java.util.Set<E> values) {
    Checks.notNull("type", type);
    Checks.check(!values.isEmpty(), "values", "at least one constant", values);
    StringBuilder allowed = new StringBuilder("one of ");
    List<E> constants = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      if (values.contains(e)) {
        constants.add(e);
      }
    }
    for (int i = 0; i < constants.size(); i++) {
      allowed
          .append(i == 0 ? "" : ", ")
          .append(constants.get(i).name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    String rule = allowed.toString();
    Builder<E> builder =
        new Builder<>(
            name,
            "enum",
            text -> {
              String wanted = text.strip().replace('-', '_');
              for (E e : constants) {
                if (e.name().equalsIgnoreCase(wanted)) {
                  return e;
                }
              }
              throw new IllegalArgumentException(rule);
            });
    builder.ruleText = rule;
    return builder;
  }

  /**
   * Starts a setting of any type.
   *
   * @param name the relative name
   * @param type a short type name for the reference, such as {@code "url"}
   * @param parser the parser
   * @param <T> the value type
   * @return a builder
   */
  public static <T> Builder<T> of(String name, String type, ValueParser<T> parser) {
    return new Builder<>(name, type, parser);
  }

  /**
   * Returns the name relative to the component's prefix.
   *
   * @return the name, such as {@code failure-threshold}
   */
  public String name() {
    return name;
  }

  /**
   * Returns the short type name shown in the configuration reference.
   *
   * @return the type, such as {@code duration}
   */
  public String type() {
    return type;
  }

  /**
   * Returns the library's default, if the setting has one.
   *
   * @return the default, or empty for a required setting
   */
  public Optional<T> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /**
   * Returns what a value must be, for messages and the reference, such as {@code "an integer
   * between 1 and 10000"}.
   *
   * @return the rule text
   */
  public String rule() {
    return ruleText;
  }

  /**
   * Returns the description for the reference.
   *
   * @return the description, possibly empty
   */
  public String description() {
    return description;
  }

  /**
   * Parses and validates text.
   *
   * @param text the raw text
   * @return the value
   * @throws IllegalArgumentException if the text does not parse or breaks the rule; the message is
   *     {@link #rule()}
   */
  public T parse(String text) {
    Checks.notNull("text", text);
    T value;
    try {
      value = parser.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ruleText, e);
    }
    if (value == null || !accepts(value)) {
      throw new IllegalArgumentException(ruleText);
    }
    return value;
  }

  /**
   * Returns whether a value meets the rule and is one that {@link #parse(String)} can produce (a
   * duration or size that is not negative, a finite number, a percentage between 0 and 1), so a
   * value set in code is allowed exactly when its text form is allowed in a configuration source.
   *
   * @param value the value
   * @return true if allowed
   */
  public boolean accepts(T value) {
    return value != null && domain.test(value) && rule.test(value);
  }

  /**
   * Checks a value set in code against this setting's rule: builders' setters call this, so a rule
   * is written once and a setter accepts a value exactly when a configuration source accepts its
   * text.
   *
   * <pre>{@code
   * this.maxRetries = MAX_RETRIES.check(maxRetries);
   * }</pre>
   *
   * @param value the value
   * @return {@code value}
   * @throws NullPointerException if the value is null, with message {@code "<name> must not be
   *     null"}
   * @throws IllegalArgumentException if the value breaks the rule, with message {@code "<name> must
   *     be <rule>, was <value>"}, such as {@code "max-retries must be a whole number between 0 and
   *     1000, was -1"}; text values are shown in quotes, and values of settings whose names look
   *     secret are masked as the source path masks them
   */
  public T check(T value) {
    Checks.notNull(name, value);
    if (!accepts(value)) {
      String shown =
          Redactor.defaults().isSensitiveKey(name)
              ? Redactor.MASK
              : value instanceof String ? "\"" + value + "\"" : format(value);
      throw new IllegalArgumentException(name + " must be " + ruleText + ", was " + shown);
    }
    return value;
  }

  @Override
  public String toString() {
    return "Setting["
        + name
        + ": "
        + type
        + (defaultValue == null ? "" : " = " + format(defaultValue))
        + "]";
  }

  static String format(Object value) {
    if (value instanceof Duration d) {
      return DurationText.format(d);
    }
    if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
    return String.valueOf(value);
  }

  /**
   * Builds a {@link Setting}. Not thread-safe.
   *
   * @param <T> the value type
   */
  public static final class Builder<T> {
    private final String name;
    private final String type;
    private final ValueParser<T> parser;
    private T defaultValue;
    private Predicate<T> domain = v -> true;
    private Predicate<T> rule = v -> true;
    private String ruleText;
    private String description = "";

    private Builder(String name, String type, ValueParser<T> parser) {
      Checks.notNull("name", name);
      Checks.check(
          NAME.matcher(name).matches(),
          "setting name",
          "lower-case words joined by '-' or '.'",
          "\"" + name + "\"");
      this.name = name;
      this.type = Checks.notBlank("type", type);
      this.parser = Checks.notNull("parser", parser);
      this.ruleText = article(type) + " " + type;
      if (type.equals("duration")) {
        this.ruleText = ValueParsers.DURATION_RULE;
      } else if (type.equals("size")) {
        this.ruleText = ValueParsers.SIZE_RULE;
      } else if (type.equals("percentage")) {
        this.ruleText = ValueParsers.PERCENTAGE_RULE;
      } else if (type.equals("boolean")) {
        this.ruleText = ValueParsers.BOOLEAN_RULE;
      } else if (type.equals("integer")) {
        this.ruleText = "a whole number";
      }
    }

    /**
     * Sets the library's default.
     *
     * @param value the default; must meet the rule set by the time {@link #build()} is called
     * @return this builder
     */
    public Builder<T> defaultValue(T value) {
      this.defaultValue = Checks.notNull("defaultValue", value);
      return this;
    }

    /**
     * Restricts values to a closed range.
     *
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @return this builder
     * @throws IllegalArgumentException if the type is not comparable or {@code min > max}
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Builder<T> between(T min, T max) {
      Checks.notNull("min", min);
      Checks.notNull("max", max);
      if (!(min instanceof Comparable)) {
        throw new IllegalArgumentException(
            "between needs a comparable type, was " + min.getClass().getName());
      }
      Comparable cmin = (Comparable) min;
      Checks.check(
          cmin.compareTo(max) <= 0, "min", "at most max (" + format(max) + ")", format(min));
      this.rule = v -> ((Comparable) v).compareTo(min) >= 0 && ((Comparable) v).compareTo(max) <= 0;
      this.ruleText = noun() + " between " + format(min) + " and " + format(max);
      return this;
    }

    /**
     * Restricts values to those at least {@code min}.
     *
     * @param min the smallest allowed value
     * @return this builder
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Builder<T> atLeast(T min) {
      Checks.notNull("min", min);
      if (!(min instanceof Comparable)) {
        throw new IllegalArgumentException(
            "atLeast needs a comparable type, was " + min.getClass().getName());
      }
      this.rule = v -> ((Comparable) v).compareTo(min) >= 0;
      this.ruleText = noun() + " of at least " + format(min);
      return this;
    }

    /**
     * Restricts values with any rule.
     *
     * @param rule the rule
     * @param ruleText what a value must be, completing "must be ...", such as {@code "an odd
     *     number"}
     * @return this builder
     */
    public Builder<T> rule(Predicate<T> rule, String ruleText) {
      this.rule = Checks.notNull("rule", rule);
      this.ruleText = Checks.notBlank("ruleText", ruleText);
      return this;
    }

    private Builder<T> domain(Predicate<T> domain) {
      this.domain = domain;
      return this;
    }

    /**
     * Sets the description shown in the configuration reference.
     *
     * @param description one sentence on what the setting does
     * @return this builder
     */
    public Builder<T> description(String description) {
      this.description = Checks.notNull("description", description);
      return this;
    }

    /**
     * Builds the setting.
     *
     * @return an immutable setting
     * @throws IllegalArgumentException if the default breaks the rule
     */
    public Setting<T> build() {
      if (defaultValue != null && !(domain.test(defaultValue) && rule.test(defaultValue))) {
        throw new IllegalArgumentException(
            "default of " + name + " must be " + ruleText + ", was " + format(defaultValue));
      }
      return new Setting<>(this);
    }

    private String noun() {
      switch (type) {
        case "integer":
          return "a whole number";
        case "percentage":
          return "a percentage";
        default:
          return article(type) + " " + type;
      }
    }

    private static String article(String word) {
      return "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an" : "a";
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Setting<?> s
        && s.name.equals(name)
        && s.type.equals(type)
        && Objects.equals(s.defaultValue, defaultValue);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, defaultValue);
  }
}
