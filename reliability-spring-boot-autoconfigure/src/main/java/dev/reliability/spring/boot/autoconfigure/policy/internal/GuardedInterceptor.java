package dev.reliability.spring.boot.autoconfigure.policy.internal;

import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.spring.boot.Guarded;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Runs a {@link Guarded} method through its policy: {@code policy.call} for a method that returns a
 * value, {@code policy.executeAsync} for one that returns a {@code CompletionStage}, {@code
 * PolicyOperator} from reliability-reactor for one that returns a {@code Mono} or {@code Flux}
 * (invoked at each subscription, see {@link GuardedPublishers}). Each attempt proceeds on a clone
 * of the invocation, so a retry runs the method again. The policy of each method and the path it
 * takes are looked up once and kept.
 *
 * <p>Internal: may change at any time. Thread-safe.
 */
public final class GuardedInterceptor implements MethodInterceptor {

  private static final int VALUE = 0;
  private static final int STAGE = 1;
  private static final int PUBLISHER = 2;

  /** Whether reliability-reactor is on the class path, for methods that return a publisher. */
  private static final boolean REACTOR =
      ClassUtils.isPresent(
          GuardedMethods.REACTOR_OPERATOR, GuardedInterceptor.class.getClassLoader());

  private final ObjectProvider<PolicyRegistry> registry;
  private final ConcurrentHashMap<MethodClassKey, Target> targets = new ConcurrentHashMap<>();

  /** A method's policy and the path its calls take. */
  private record Target(Policy policy, int path) {}

  /**
   * Creates the interceptor.
   *
   * @param registry the registry, looked up at the first guarded call
   */
  public GuardedInterceptor(ObjectProvider<PolicyRegistry> registry) {
    this.registry = registry;
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Method method = invocation.getMethod();
    Class<?> target =
        invocation.getThis() == null
            ? method.getDeclaringClass()
            : AopUtils.getTargetClass(invocation.getThis());
    if (!(invocation instanceof ProxyMethodInvocation proxied) || !guards(method, target)) {
      return invocation.proceed();
    }
    Target guard =
        targets.computeIfAbsent(new MethodClassKey(method, target), k -> resolve(method, target));
    return switch (guard.path()) {
      case PUBLISHER -> GuardedPublishers.guard(guard.policy(), proxied);
      case STAGE -> guard.policy().executeAsync(() -> proceedAsync(proxied));
      default -> guard.policy().call(() -> proceed(proxied));
    };
  }

  private Target resolve(Method method, Class<?> target) {
    String name = GuardedMethods.policyName(method, target);
    Policy policy =
        registry
            .getObject()
            .find(name)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "@Guarded(\"" + name + "\") names no policy of the registry"));
    Class<?> returns = method.getReturnType();
    if (CompletionStage.class.isAssignableFrom(returns)) {
      return new Target(policy, STAGE);
    }
    if (GuardedMethods.isPublisher(returns)) {
      // The start-up check refuses these cases; a bean registered after it still gets the reason.
      if (!REACTOR || !GuardedMethods.isGuardablePublisher(returns)) {
        throw new IllegalStateException(
            method
                + " returns "
                + returns.getName()
                + ": @Guarded guards a Mono or Flux with "
                + GuardedMethods.REACTOR_ARTIFACT
                + " on the class path");
      }
      return new Target(policy, PUBLISHER);
    }
    return new Target(policy, VALUE);
  }

  private static Object proceed(ProxyMethodInvocation invocation) throws Exception {
    try {
      return invocation.invocableClone().proceed();
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new UndeclaredThrowableException(t);
    }
  }

  @SuppressWarnings("unchecked")
  private static CompletionStage<Object> proceedAsync(ProxyMethodInvocation invocation) {
    try {
      CompletionStage<Object> stage =
          (CompletionStage<Object>) invocation.invocableClone().proceed();
      return stage != null
          ? stage
          : CompletableFuture.failedFuture(
              new NullPointerException(invocation.getMethod() + " returned null"));
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  /**
   * Whether calls of a method are guarded: it carries {@link Guarded}, or it is public and its type
   * carries it; never a method of {@code Object} or a static one.
   *
   * @param method the method
   * @param target the bean's class
   * @return whether the method is guarded
   */
  public static boolean guards(Method method, Class<?> target) {
    if (method.getDeclaringClass() == Object.class || Modifier.isStatic(method.getModifiers())) {
      return false;
    }
    Method specific = AopUtils.getMostSpecificMethod(method, target);
    return AnnotatedElementUtils.hasAnnotation(specific, Guarded.class)
        || (Modifier.isPublic(specific.getModifiers())
            && AnnotatedElementUtils.hasAnnotation(target, Guarded.class));
  }

  /** The pointcut of the guarded methods, for the advisor. */
  public static final class GuardedPointcut extends StaticMethodMatcherPointcut {
    @Override
    public boolean matches(Method method, Class<?> targetClass) {
      return guards(method, targetClass);
    }
  }
}
