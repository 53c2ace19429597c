package dev.reliability.spring.boot.autoconfigure.policy.internal;

import dev.reliability.core.config.ConfigProblem;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.policy.PolicyConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

/**
 * What {@code reliability.policies}, {@code reliability.keyed-policies} and {@code
 * reliability.templates} declare in Spring's environment: the names, each one's template, the
 * templates built, and every problem found (an invalid name, an unknown component or setting, a
 * template that does not build), each with the origin Spring gives.
 *
 * <p>Read once at start-up, from the names of every enumerable property source (as Spring's {@code
 * Binder} enumerates map keys), with relaxed names: {@code quote-backend}, {@code quoteBackend} and
 * the environment variable's {@code QUOTEBACKEND} are one policy, shown in its first spelled form.
 *
 * <p>Internal: may change at any time. Immutable once read; thread-safe.
 */
public final class PolicyDeclarations {

  /**
   * A declared policy or keyed policy.
   *
   * @param name its name
   * @param template its template's name, or null for the registry's default template
   * @param templateOrigin where the template was named, or null
   */
  public record Declared(String name, String template, String templateOrigin) {}

  private static final ConfigurationPropertyName POLICIES =
      ConfigurationPropertyName.of(PolicyKeys.POLICIES);
  private static final ConfigurationPropertyName KEYED =
      ConfigurationPropertyName.of(PolicyKeys.KEYED_POLICIES);
  private static final ConfigurationPropertyName TEMPLATES =
      ConfigurationPropertyName.of(PolicyKeys.TEMPLATES);

  /** The deepest key accepted under a name, in elements (an environment variable splits words). */
  private static final int MAX_TAIL = 8;

  private final Map<String, Declared> policies;
  private final Map<String, Declared> keyed;
  private final Map<String, PolicyConfig> templates;
  private final List<String> declaredTemplates;
  private final List<ConfigProblem> problems;

  private PolicyDeclarations(
      Map<String, Declared> policies,
      Map<String, Declared> keyed,
      Map<String, PolicyConfig> templates,
      List<String> declaredTemplates,
      List<ConfigProblem> problems) {
    this.declaredTemplates = declaredTemplates;
    this.policies = Collections.unmodifiableMap(policies);
    this.keyed = Collections.unmodifiableMap(keyed);
    this.templates = Collections.unmodifiableMap(templates);
    this.problems = List.copyOf(problems);
  }

  /**
   * Reads the declarations of an environment and builds its templates.
   *
   * @param environment the application's environment
   * @param templateSources a template's name to the source of its settings
   * @return the declarations, with the problems found
   */
  public static PolicyDeclarations read(
      Environment environment, Function<String, ConfigSource> templateSources) {
    Reader reader = new Reader();
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      if (source instanceof IterableConfigurationPropertySource iterable) {
        iterable.stream()
            .filter(
                n -> POLICIES.isAncestorOf(n) || KEYED.isAncestorOf(n) || TEMPLATES.isAncestorOf(n))
            .forEach(n -> reader.add(source, n));
      }
    }
    Map<String, PolicyConfig> templates = new LinkedHashMap<>();
    for (String template : reader.templates.values()) {
      try {
        templates.put(
            template,
            PolicyConfig.empty().withOverrides(templateSources.apply(template), template));
      } catch (ConfigurationException e) {
        // Kept empty, so the policies naming it still report their own problems; the start
        // fails on this template's problems anyway.
        templates.put(template, PolicyConfig.empty());
        reader.problems.addAll(
            e.problems().isEmpty()
                ? List.of(
                    new ConfigProblem(
                        PolicyKeys.TEMPLATES + "." + template,
                        null,
                        "application configuration",
                        "a valid template: " + e.getMessage()))
                : e.problems());
      }
    }
    Map<String, Declared> policies = reader.declared(reader.policies);
    Map<String, Declared> keyed = reader.declared(reader.keyed);
    for (String name : keyed.keySet()) {
      if (policies.containsKey(name)) {
        reader.problems.add(
            new ConfigProblem(
                PolicyKeys.KEYED_POLICIES + "." + name,
                name,
                "application configuration",
                "a name not also declared under " + PolicyKeys.POLICIES));
      }
    }
    return new PolicyDeclarations(
        policies, keyed, templates, List.copyOf(reader.templates.values()), reader.problems);
  }

  /**
   * Returns the declared policies by name, in the order first seen.
   *
   * @return the policies
   */
  public Map<String, Declared> policies() {
    return policies;
  }

  /**
   * Returns the declared keyed policies by name, in the order first seen.
   *
   * @return the keyed policies
   */
  public Map<String, Declared> keyedPolicies() {
    return keyed;
  }

  /**
   * Returns the templates by name; one that failed to build is empty, its problems listed in {@link
   * #problems()}.
   *
   * @return the templates
   */
  public Map<String, PolicyConfig> templates() {
    return templates;
  }

  /**
   * Returns the names of every template declared, including those that failed to build.
   *
   * @return the template names
   */
  public List<String> declaredTemplates() {
    return declaredTemplates;
  }

  /**
   * Returns every problem found while reading.
   *
   * @return the problems, empty when the declarations are valid
   */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private record Found(String text, String origin) {}

  /** Collects names and problems from property names, in the sources' order of precedence. */
  private static final class Reader {
    /** Uniform name to the name as first spelled. */
    final Map<String, String> policies = new LinkedHashMap<>();

    final Map<String, String> keyed = new LinkedHashMap<>();
    final Map<String, String> templates = new LinkedHashMap<>();

    final Map<String, Found> templateByUniform = new LinkedHashMap<>();
    final List<ConfigProblem> problems = new ArrayList<>();
    final java.util.Set<String> reported = new java.util.HashSet<>();

    void add(ConfigurationPropertySource source, ConfigurationPropertyName name) {
      ConfigurationPropertyName root =
          POLICIES.isAncestorOf(name) ? POLICIES : KEYED.isAncestorOf(name) ? KEYED : TEMPLATES;
      int rootSize = root.getNumberOfElements();
      String declared = name.getElement(rootSize, Form.ORIGINAL);
      String key = name.toString();
      if (!PolicyKeys.isValidName(declared)) {
        if (reported.add(root + "." + declared)) {
          problems.add(
              new ConfigProblem(
                  root + "." + PolicyKeys.shown(declared),
                  PolicyKeys.shown(declared),
                  originOf(source, name),
                  PolicyKeys.NAME_RULE));
        }
        return;
      }
      String uniform = uniform(declared);
      Map<String, String> names = root == POLICIES ? policies : root == KEYED ? keyed : templates;
      names.merge(uniform, declared, (a, b) -> isPlain(a) && !isPlain(b) ? b : a);
      List<String> tail = new ArrayList<>();
      for (int i = rootSize + 1; i < name.getNumberOfElements() && tail.size() <= MAX_TAIL; i++) {
        tail.add(uniform(name.getElement(i, Form.ORIGINAL)));
      }
      String problem = check(root, tail);
      if (problem == null) {
        if (root != TEMPLATES && tail.size() == 1 && tail.get(0).equals(PolicyKeys.TEMPLATE)) {
          ConfigurationProperty property = source.getConfigurationProperty(name);
          if (property != null && property.getValue() != null) {
            templateByUniform.putIfAbsent(
                (root == POLICIES ? "p:" : "k:") + uniform,
                new Found(String.valueOf(property.getValue()), originOf(source, name)));
          }
        }
        return;
      }
      if (reported.add(key)) {
        problems.add(
            new ConfigProblem(
                PolicyKeys.shown(key, 256),
                PolicyKeys.shown(String.join(".", tail)),
                originOf(source, name),
                problem));
      }
    }

    Map<String, Declared> declared(Map<String, String> names) {
      Map<String, Declared> out = new LinkedHashMap<>();
      String tag = names == policies ? "p:" : "k:";
      names.forEach(
          (uniform, name) -> {
            Found template = templateByUniform.get(tag + uniform);
            String templateName = null;
            if (template != null && !template.text.isBlank()) {
              String t = template.text.trim();
              templateName = templates.getOrDefault(uniform(t), t);
            }
            out.put(
                name, new Declared(name, templateName, template == null ? null : template.origin));
          });
      return out;
    }

    /** Null when the key after the name is one we know; else the rule it breaks. */
    private static String check(ConfigurationPropertyName root, List<String> tail) {
      if (tail.isEmpty()) {
        return null; // "name: {}" or "name:": declared with the defaults
      }
      if (tail.size() > MAX_TAIL) {
        return "at most " + MAX_TAIL + " words deep";
      }
      String joined = String.join("", tail);
      if (root != TEMPLATES && tail.size() == 1 && joined.equals(PolicyKeys.TEMPLATE)) {
        return null;
      }
      if (root == KEYED) {
        for (String bound : PolicyKeys.keyedBounds()) {
          if (uniform(bound).equals(joined)) {
            return null;
          }
        }
      }
      String component = null;
      for (int split = 1; split <= tail.size(); split++) {
        String c = String.join("", tail.subList(0, split));
        for (Map.Entry<String, List<Setting<?>>> e : PolicyKeys.components().entrySet()) {
          if (!uniform(e.getKey()).equals(c)) {
            continue;
          }
          component = e.getKey();
          if (split == tail.size()) {
            return "a block of " + component + " settings, not a value";
          }
          String s = String.join("", tail.subList(split, tail.size()));
          for (Setting<?> setting : e.getValue()) {
            if (uniform(setting.name()).equals(s)) {
              return null;
            }
          }
        }
      }
      if (component != null) {
        List<String> settings = new ArrayList<>();
        PolicyKeys.components().get(component).forEach(s -> settings.add(s.name()));
        return "a setting of " + component + " " + settings;
      }
      List<String> known = new ArrayList<>();
      if (root != TEMPLATES) {
        known.add(PolicyKeys.TEMPLATE);
      }
      if (root == KEYED) {
        known.addAll(PolicyKeys.keyedBounds());
      }
      known.addAll(PolicyKeys.components().keySet());
      return "one of " + known;
    }

    private static boolean isPlain(String name) {
      return name.equals(name.toLowerCase(Locale.ROOT)) && name.indexOf('-') < 0;
    }

    private static String originOf(
        ConfigurationPropertySource source, ConfigurationPropertyName name) {
      ConfigurationProperty property = source.getConfigurationProperty(name);
      Origin origin = property == null ? null : property.getOrigin();
      String text =
          origin != null ? origin.toString() : source.getUnderlyingSource() + " key " + name;
      return PolicyKeys.shown(text, 256);
    }
  }

  /** Lower case without '-' and '_': how Spring compares names in relaxed binding. */
  static String uniform(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '-' && c != '_') {
        sb.append(Character.toLowerCase(c));
      }
    }
    return sb.toString();
  }
}
