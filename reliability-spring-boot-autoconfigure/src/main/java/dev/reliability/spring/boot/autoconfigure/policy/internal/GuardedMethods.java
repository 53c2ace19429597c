package dev.reliability.spring.boot.autoconfigure.policy.internal;

import dev.reliability.core.config.ConfigProblem;
import dev.reliability.core.config.ConfigurationException;
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
 * one {@link ConfigurationException} listing every such method.
 *
 * <p>Internal: may change at any time.
 */
public final class GuardedMethods implements SmartInitializingSingleton {

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
          method -> check(bean, user, method, policies, problems),
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
    } else if (isReactive(returns)) {
      problems.add(
          new ConfigProblem(
              where,
              returns.getName(),
              "the method's return type",
              "not a Reactor Publisher: guard it with PolicyOperator from reliability-reactor"));
    }
  }

  private static List<String> names(PolicyRegistry registry) {
    List<String> names = new ArrayList<>();
    registry.policies().forEach(p -> names.add(p.name()));
    return names;
  }

  /** Whether a type is a Reactive Streams publisher, without needing the API on the class path. */
  private static boolean isReactive(Class<?> type) {
    if (type == null) {
      return false;
    }
    if (type.getName().equals("org.reactivestreams.Publisher")) {
      return true;
    }
    for (Class<?> i : type.getInterfaces()) {
      if (isReactive(i)) {
        return true;
      }
    }
    return isReactive(type.getSuperclass());
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
