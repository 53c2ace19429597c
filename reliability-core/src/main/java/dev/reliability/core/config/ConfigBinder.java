package dev.reliability.core.config;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.redaction.Redactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a component's settings from a {@link ConfigSource}, collects every problem, and fails once
 * with all of them.
 *
 * <p>For a binder with prefix {@code reliability.circuitbreaker} and instance {@code payments}, the
 * value of setting {@code failure-threshold} is the first of:
 *
 * <ol>
 *   <li>the source's value for {@code reliability.circuitbreaker.payments.failure-threshold}
 *       (system property, then environment variable {@code
 *       RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD} for {@link
 *       ConfigSource#standard()});
 *   <li>the source's value for the shared key {@code reliability.circuitbreaker.failure-threshold};
 *   <li>the value the builder set in code, passed to {@link #get(Setting, Object)};
 *   <li>the setting's own default.
 * </ol>
 *
 * <p>So operators can change any threshold by environment variable without a code change. A value
 * that does not parse or breaks the setting's rule is recorded as a {@link ConfigProblem} and the
 * next candidate is used for now; {@link #throwIfInvalid()} then throws one {@link
 * ConfigurationException} listing every problem. Values of settings whose names look secret are
 * masked in problems.
 *
 * <pre>{@code
 * ConfigBinder config = ConfigBinder.of(ConfigSource.standard(), "reliability.circuitbreaker")
 *     .instance("payments");
 * int threshold = config.get(FAILURE_THRESHOLD);
 * Duration wait = config.get(WAIT_IN_OPEN, builderValue);
 * config.throwIfInvalid();
 * }</pre>
 *
 * <p>Not thread-safe: bind on one thread, at start-up.
 */
public final class ConfigBinder {

  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");

  private final ConfigSource source;
  private final String prefix;
  private final String instance;
  private final List<ConfigProblem> problems;

  private ConfigBinder(
      ConfigSource source, String prefix, String instance, List<ConfigProblem> problems) {
    this.source = source;
    this.prefix = prefix;
    this.instance = instance;
    this.problems = problems;
  }

  /**
   * Creates a binder for a component's shared settings.
   *
   * @param source where settings come from
   * @param prefix the component's prefix, such as {@code reliability.circuitbreaker}
   * @return a binder with no instance
   * @throws IllegalArgumentException if the prefix is not lower-case dotted words
   */
  public static ConfigBinder of(ConfigSource source, String prefix) {
    Checks.notNull("source", source);
    Checks.notNull("prefix", prefix);
    Checks.check(
        PREFIX.matcher(prefix).matches(),
        "prefix",
        "lower-case words joined by '.'",
        "\"" + prefix + "\"");
    return new ConfigBinder(source, prefix, null, new ArrayList<>());
  }

  /**
   * Returns a binder for one named instance that shares this binder's problem list, so one {@link
   * #throwIfInvalid()} reports the problems of every instance.
   *
   * @param name the instance name, letters, digits, {@code -} and {@code _}
   * @return the instance binder
   * @throws IllegalArgumentException if the name has other characters
   */
  public ConfigBinder instance(String name) {
    Checks.notNull("name", name);
    Checks.check(
        INSTANCE.matcher(name).matches(),
        "instance name",
        "letters, digits, '-' and '_'",
        "\"" + name + "\"");
    return new ConfigBinder(source, prefix, name, problems);
  }

  /**
   * Returns the full key of a setting for this binder's instance.
   *
   * @param setting the setting
   * @return the key, such as {@code reliability.circuitbreaker.payments.failure-threshold}
   */
  public String key(Setting<?> setting) {
    return instance == null ? sharedKey(setting) : prefix + "." + instance + "." + setting.name();
  }

  /**
   * Returns the key that sets a setting for every instance.
   *
   * @param setting the setting
   * @return the key, such as {@code reliability.circuitbreaker.failure-threshold}
   */
  public String sharedKey(Setting<?> setting) {
    return prefix + "." + setting.name();
  }

  /**
   * Reads a setting, falling back to its default.
   *
   * @param setting the setting
   * @param <T> the value type
   * @return the value; null only for a required setting that is missing or invalid (which is
   *     recorded as a problem)
   */
  public <T> T get(Setting<T> setting) {
    return get(setting, null);
  }

  /**
   * Reads a setting, falling back to a value set in code, then to the setting's default.
   *
   * @param setting the setting
   * @param codeValue the value a builder set, or null if none
   * @param <T> the value type
   * @return the value; null only for a required setting that is missing or invalid (which is
   *     recorded as a problem)
   */
  public <T> T get(Setting<T> setting, T codeValue) {
    Checks.notNull("setting", setting);
    Optional<T> fromSource = find(setting);
    if (fromSource.isPresent()) {
      return fromSource.get();
    }
    if (codeValue != null) {
      if (setting.accepts(codeValue)) {
        return codeValue;
      }
      problems.add(
          new ConfigProblem(
              key(setting), shown(setting, Setting.format(codeValue)), "builder", setting.rule()));
    }
    Optional<T> fallback = setting.defaultValue();
    if (fallback.isEmpty() && codeValue == null) {
      problems.add(new ConfigProblem(key(setting), null, "none", setting.rule()));
    }
    return fallback.orElse(null);
  }

  /**
   * Reads a setting from the source only, ignoring defaults.
   *
   * @param setting the setting
   * @param <T> the value type
   * @return the value from the instance key or the shared key, or empty if neither is set or the
   *     set value is invalid (which is recorded as a problem)
   */
  public <T> Optional<T> find(Setting<T> setting) {
    Checks.notNull("setting", setting);
    if (instance != null) {
      Optional<ConfigValue> own = source.get(key(setting));
      if (own.isPresent()) {
        return parse(setting, own.get());
      }
    }
    Optional<ConfigValue> shared = source.get(sharedKey(setting));
    return shared.isPresent() ? parse(setting, shared.get()) : Optional.empty();
  }

  private <T> Optional<T> parse(Setting<T> setting, ConfigValue value) {
    try {
      return Optional.of(setting.parse(value.text()));
    } catch (IllegalArgumentException e) {
      problems.add(
          new ConfigProblem(
              value.key(), shown(setting, value.text()), value.origin(), setting.rule()));
      return Optional.empty();
    }
  }

  private String shown(Setting<?> setting, String text) {
    return Redactor.defaults().isSensitiveKey(setting.name())
        ? Redactor.MASK
        : Checks.shortened(text);
  }

  /**
   * Returns the problems found so far by this binder and every binder sharing its list.
   *
   * @return an immutable copy of the problems
   */
  public List<ConfigProblem> problems() {
    return List.copyOf(problems);
  }

  /**
   * Throws if any problem was found.
   *
   * @throws ConfigurationException listing every problem
   */
  public void throwIfInvalid() {
    if (!problems.isEmpty()) {
      throw new ConfigurationException(List.copyOf(problems));
    }
  }
}
