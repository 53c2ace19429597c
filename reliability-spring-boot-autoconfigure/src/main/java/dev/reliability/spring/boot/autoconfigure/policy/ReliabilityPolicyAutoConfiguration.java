package dev.reliability.spring.boot.autoconfigure.policy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.spring.boot.Guarded;
import dev.reliability.spring.boot.autoconfigure.SpringConfigSource;
import dev.reliability.spring.boot.autoconfigure.policy.internal.DeclaredPolicies;
import dev.reliability.spring.boot.autoconfigure.policy.internal.GuardedInterceptor;
import dev.reliability.spring.boot.autoconfigure.policy.internal.GuardedMethods;
import dev.reliability.spring.boot.autoconfigure.policy.internal.PolicyBeanRegistrar;
import dev.reliability.spring.boot.autoconfigure.policy.internal.PolicyDeclarations;
import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Policies declared in {@code application.yml}: one {@link PolicyRegistry} bean whose settings come
 * from Spring's environment ({@link SpringConfigSource}: the canonical keys and the {@code
 * reliability.policies.<name>.*} form), templates from {@code reliability.templates.<name>.*}, one
 * {@code Policy} bean per {@code reliability.policies.<name>} and one {@code KeyedPolicy} bean per
 * {@code reliability.keyed-policies.<name>}, named after it, and the {@link Guarded} interceptor.
 *
 * <p>Every declared policy is created at start-up: an invalid value, an unknown component or
 * setting, an unknown template fails the start with one {@code ConfigurationException} naming each
 * key, its rule, its value and the file and line it came from. Without any {@code reliability.*}
 * property only the empty registry exists, and it starts no thread.
 *
 * <p>Switches: {@code reliability.policy.enabled} (default true) turns all of this off; {@code
 * reliability.guarded.enabled} (default true) the {@link Guarded} interceptor alone. The registry
 * is {@code @ConditionalOnMissingBean}: an application's own registry is used instead, and the
 * declared policies are created in it (its templates and configuration source then apply).
 */
@AutoConfiguration
@ConditionalOnClass(PolicyRegistry.class)
@ConditionalOnProperty(name = "reliability.policy.enabled", matchIfMissing = true)
public class ReliabilityPolicyAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public ReliabilityPolicyAutoConfiguration() {}

  /**
   * Registers the declared policies as beans before any bean is created.
   *
   * @return the registrar
   */
  @Bean
  static PolicyBeanRegistrar reliabilityPolicyBeanRegistrar() {
    return new PolicyBeanRegistrar();
  }

  /**
   * What application.yml declares, with its templates built and its problems found.
   *
   * @param environment the application's environment
   * @return the declarations
   */
  @Bean
  PolicyDeclarations reliabilityPolicyDeclarations(Environment environment) {
    SpringConfigSource source = SpringConfigSource.of(environment);
    return PolicyDeclarations.read(environment, source::template);
  }

  /**
   * The policy registry: Spring's environment as its configuration source, the declared templates;
   * closed with the context (which closes every policy).
   *
   * @param environment the application's environment
   * @param declarations the declarations
   * @return the registry
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  PolicyRegistry reliabilityPolicyRegistry(
      Environment environment, PolicyDeclarations declarations) {
    ConfigSource source = SpringConfigSource.of(environment);
    PolicyRegistry.Builder builder = PolicyRegistry.builder().configSource(source);
    declarations.templates().forEach(builder::template);
    return builder.build();
  }

  /**
   * Every declared policy, created and validated at start-up.
   *
   * @param declarations the declarations
   * @param registry the registry
   * @return the declared policies
   */
  @Bean
  DeclaredPolicies reliabilityDeclaredPolicies(
      PolicyDeclarations declarations, PolicyRegistry registry) {
    return new DeclaredPolicies(declarations, registry);
  }

  /** The {@link Guarded} interceptor, on Spring AOP's proxies; no AspectJ weaver needed. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = "reliability.guarded.enabled", matchIfMissing = true)
  @Import(GuardedConfiguration.AutoProxy.class)
  static class GuardedConfiguration {

    /**
     * The advisor of {@link Guarded} methods, an infrastructure bean so any auto-proxy creator
     * (Spring Boot's or the one registered here) applies it.
     *
     * @param registry the registry, looked up at the first call
     * @return the advisor
     */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor reliabilityGuardedAdvisor(ObjectProvider<PolicyRegistry> registry) {
      DefaultPointcutAdvisor advisor =
          new DefaultPointcutAdvisor(
              new GuardedInterceptor.GuardedPointcut(), new GuardedInterceptor(registry));
      advisor.setOrder(0);
      return advisor;
    }

    /**
     * The start-up check of every {@link Guarded} method.
     *
     * @param beanFactory the bean factory
     * @param registry the registry
     * @return the check
     */
    @Bean
    static GuardedMethods reliabilityGuardedMethods(
        ConfigurableListableBeanFactory beanFactory, ObjectProvider<PolicyRegistry> registry) {
      return new GuardedMethods(beanFactory, registry);
    }

    /** Registers Spring's infrastructure auto-proxy creator when nothing registered one. */
    static final class AutoProxy implements ImportBeanDefinitionRegistrar {
      @Override
      public void registerBeanDefinitions(
          AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
      }
    }
  }
}
