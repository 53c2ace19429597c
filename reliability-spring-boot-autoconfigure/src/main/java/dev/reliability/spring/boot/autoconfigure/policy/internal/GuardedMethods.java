package dev.reliability.spring.boot.autoconfigure.policy.internal;

import dev.reliability.core.config.ConfigProblem;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.spring.boot.Guarded;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Checks, once every singleton exists, that each {@link Guarded} method of every bean names a
 * policy of the registry and returns something the policy can guard; otherwise the start fails with
 * one {@link ConfigurationException} listing every such method. A method that returns a {@code
 * Mono} or {@code Flux} needs reliability-reactor on the bean class loader and a policy that {@code
 * PolicyOperator} can apply (no hedging, no chaos strategies).
 *
 * <p>Internal: may change at any time.
 */
public final class GuardedMethods implements SmartInitializingSingleton {

  /** The operator's class, whose presence turns the reactive path on. */
  static final String REACTOR_OPERATOR = "dev.reliability.reactor.PolicyOperator";

  /** The artifact that holds {@link #REACTOR_OPERATOR}, for messages. */
  static final String REACTOR_ARTIFACT = "dev.reliability:reliability-reactor";

  private final ConfigurableListableBeanFactory beanFactory;
  private final ObjectProvider<PolicyRegistry> registry;

  /**
   * Creates the check.
   *
   * @param beanFactory the factory whose beans are checked
   * @param registry the registry the names must be in
   */
  public GuardedMethods(
      ConfigurableListableBeanFactory beanFactory, ObjectProvider<PolicyRegistry> registry) {
    this.beanFactory = beanFactory;
    this.registry = registry;
  }

  @Override
  public void afterSingletonsInstantiated() {
    PolicyRegistry policies = registry.getIfAvailable();
    boolean reactor = ClassUtils.isPresent(REACTOR_OPERATOR, beanFactory.getBeanClassLoader());
    List<ConfigProblem> problems = new ArrayList<>();
    for (String bean : beanFactory.getBeanDefinitionNames()) {
      Class<?> type = beanFactory.getType(bean, false);
      if (type == null) {
        continue;
      }
      Class<?> user = ClassUtils.getUserClass(type);
      if (user.getName().startsWith("org.springframework.")) {
        continue;
      }
      ReflectionUtils.doWithMethods(
          user,
          method -> check(bean, user, method, policies, reactor, problems),
          method -> !method.isBridge() && GuardedInterceptor.guards(method, user));
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }

  private static void check(
      String bean,
      Class<?> type,
      Method method,
      PolicyRegistry policies,
      boolean reactor,
      List<ConfigProblem> problems) {
    String name = policyName(method, type);
    String where =
        "@Guarded on " + type.getName() + "." + method.getName() + " (bean " + bean + ")";
    Class<?> returns = method.getReturnType();
    if (policies == null || policies.find(name).isEmpty()) {
      problems.add(
          new ConfigProblem(
              where,
              name,
              "the annotation",
              "the name of a policy declared under "
                  + PolicyKeys.POLICIES
                  + (policies == null ? "" : " " + names(policies))));
    } else if (CompletionStage.class.isAssignableFrom(returns)
        && !returns.isAssignableFrom(CompletableFuture.class)) {
      problems.add(
          new ConfigProblem(
              where,
              returns.getName(),
              "the method's return type",
              "a CompletionStage or CompletableFuture, no other CompletionStage"));
    } else if (isPublisher(returns)) {
      checkPublisher(where, name, returns, policies.find(name).get().config(), reactor, problems);
    }
  }

  private static void checkPublisher(
      String where,
      String name,
      Class<?> returns,
      PolicyConfig config,
      boolean reactor,
      List<ConfigProblem> problems) {
    if (!isGuardablePublisher(returns)) {
      problems.add(
          new ConfigProblem(
              where,
              returns.getName(),
              "the method's return type",
              "a Mono, a Flux or a Publisher, no other publisher type"));
    } else if (!reactor) {
      problems.add(
          new ConfigProblem(
              where,
              returns.getName(),
              "the method's return type",
              "a type guarded without "
                  + REACTOR_ARTIFACT
                  + " (a Mono or Flux needs that dependency on the class path)"));
    } else if (config.hedge().isPresent() || config.chaos().isPresent()) {
      problems.add(
          new ConfigProblem(
              where,
              name,
              "the annotation",
              "a policy without hedging or chaos strategies: PolicyOperator applies neither to a"
                  + " Mono or Flux"));
    }
  }

  private static List<String> names(PolicyRegistry registry) {
    List<String> names = new ArrayList<>();
    registry.policies().forEach(p -> names.add(p.name()));
    return names;
  }

  /**
   * Whether a declared return type is one the reactive path returns: a {@code Mono}, or what a
   * {@code Flux} is assignable to ({@code Flux}, {@code Publisher}, {@code CorePublisher}).
   * Compared by name, so that it needs no Reactor.
   */
  static boolean isGuardablePublisher(Class<?> type) {
    return switch (type.getName()) {
      case "reactor.core.publisher.Mono",
          "reactor.core.publisher.Flux",
          "reactor.core.CorePublisher",
          "org.reactivestreams.Publisher" ->
          true;
      default -> false;
    };
  }

  /** Whether a type is a Reactive Streams publisher, without needing the API on the class path. */
  static boolean isPublisher(Class<?> type) {
    if (type == null) {
      return false;
    }
    if (type.getName().equals("org.reactivestreams.Publisher")) {
      return true;
    }
    for (Class<?> i : type.getInterfaces()) {
      if (isPublisher(i)) {
        return true;
      }
    }
    return isPublisher(type.getSuperclass());
  }

  /** The policy's name for a method: the method's annotation, else its type's. */
  static String policyName(Method method, Class<?> target) {
    Method specific = AopUtils.getMostSpecificMethod(method, target);
    Guarded guarded = AnnotatedElementUtils.findMergedAnnotation(specific, Guarded.class);
    if (guarded == null) {
      guarded = AnnotatedElementUtils.findMergedAnnotation(target, Guarded.class);
    }
    if (guarded == null) {
      throw new IllegalStateException(method + " has no @Guarded annotation");
    }
    return guarded.value();
  }
}
