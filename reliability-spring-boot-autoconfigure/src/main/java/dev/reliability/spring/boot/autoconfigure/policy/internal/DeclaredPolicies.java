package dev.reliability.spring.boot.autoconfigure.policy.internal;

import dev.reliability.core.config.ConfigProblem;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.policy.KeyedPolicy;
import dev.reliability.core.policy.KeyedPolicyConfig;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policies and keyed policies declared in application.yml, created in the registry at start-up
 * so that every invalid value fails the start, all of them in one {@link ConfigurationException}.
 *
 * <p>Internal: may change at any time. Immutable once built; thread-safe.
 */
public final class DeclaredPolicies {

  private final Map<String, Policy> policies = new LinkedHashMap<>();
  private final Map<String, KeyedPolicy> keyed = new LinkedHashMap<>();

  /**
   * Creates every declared policy in the registry.
   *
   * @param declarations what application.yml declares
   * @param registry the registry to create them in
   * @throws ConfigurationException listing every problem of the declarations and of their values
   */
  public DeclaredPolicies(PolicyDeclarations declarations, PolicyRegistry registry) {
    List<ConfigProblem> problems = new ArrayList<>(declarations.problems());
    declarations
        .policies()
        .forEach(
            (name, d) -> {
              try {
                policies.put(name, registry.policy(name, d.template()));
              } catch (ConfigurationException e) {
                problems.addAll(problemsOf(e, PolicyKeys.POLICIES + "." + name));
              } catch (IllegalArgumentException e) {
                templateProblem(PolicyKeys.POLICIES, d, declarations, registry, e, problems);
              }
            });
    declarations
        .keyedPolicies()
        .forEach(
            (name, d) -> {
              if (declarations.policies().containsKey(name)) {
                return;
              }
              try {
                keyed.put(name, registry.keyed(name, d.template(), KeyedPolicyConfig.ofDefaults()));
              } catch (ConfigurationException e) {
                problems.addAll(problemsOf(e, PolicyKeys.KEYED_POLICIES + "." + name));
              } catch (IllegalArgumentException e) {
                templateProblem(PolicyKeys.KEYED_POLICIES, d, declarations, registry, e, problems);
              }
            });
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }

  private static List<ConfigProblem> problemsOf(ConfigurationException e, String key) {
    if (!e.problems().isEmpty()) {
      return e.problems();
    }
    return List.of(
        new ConfigProblem(key, null, "application configuration", "valid: " + e.getMessage()));
  }

  /** A template the registry does not have; unless it was declared and failed to build. */
  private static void templateProblem(
      String root,
      PolicyDeclarations.Declared d,
      PolicyDeclarations declarations,
      PolicyRegistry registry,
      IllegalArgumentException e,
      List<ConfigProblem> problems) {
    if (d.template() == null || registry.templates().contains(d.template())) {
      throw e; // not about the template
    }
    if (declarations.declaredTemplates().contains(d.template())) {
      return; // declared but invalid: its own problems are listed
    }
    problems.add(
        new ConfigProblem(
            root + "." + d.name() + "." + PolicyKeys.TEMPLATE,
            PolicyKeys.shown(d.template()),
            d.templateOrigin() == null ? "application configuration" : d.templateOrigin(),
            "the name of a template of the registry, declared under "
                + PolicyKeys.TEMPLATES
                + " "
                + registry.templates()));
  }

  /**
   * Returns a declared policy.
   *
   * @param name its name
   * @return the policy
   * @throws IllegalArgumentException if no policy of that name was declared
   */
  public Policy policy(String name) {
    Policy p = policies.get(name);
    if (p == null) {
      throw new IllegalArgumentException("name must be a declared policy, was \"" + name + "\"");
    }
    return p;
  }

  /**
   * Returns a declared keyed policy.
   *
   * @param name its name
   * @return the keyed policy
   * @throws IllegalArgumentException if no keyed policy of that name was declared
   */
  public KeyedPolicy keyed(String name) {
    KeyedPolicy k = keyed.get(name);
    if (k == null) {
      throw new IllegalArgumentException(
          "name must be a declared keyed policy, was \"" + name + "\"");
    }
    return k;
  }
}
