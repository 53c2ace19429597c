package dev.reliability.spring.boot.autoconfigure.policy.internal;

import dev.reliability.core.policy.KeyedPolicy;
import dev.reliability.core.policy.Policy;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Registers one {@link Policy} bean per {@code reliability.policies.<name>} and one {@link
 * KeyedPolicy} bean per {@code reliability.keyed-policies.<name>}, named after it, before any bean
 * is created, so they can be injected by name ({@code @Qualifier("quote-backend")}). Each comes
 * from {@link DeclaredPolicies}, which creates and validates all of them at once; the registry
 * closes them, so the beans have no destroy method of their own. A bean of the same name that the
 * application defines wins.
 *
 * <p>Internal: may change at any time.
 */
public final class PolicyBeanRegistrar
    implements BeanDefinitionRegistryPostProcessor, EnvironmentAware, BeanFactoryAware {

  private Environment environment;
  private BeanFactory beanFactory;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
    this.beanFactory = beanFactory;
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    PolicyDeclarations declared =
        PolicyDeclarations.read(environment, name -> key -> java.util.Optional.empty());
    for (String name : declared.policies().keySet()) {
      register(registry, name, Policy.class, () -> policies().policy(name));
    }
    for (String name : declared.keyedPolicies().keySet()) {
      if (!declared.policies().containsKey(name)) {
        register(registry, name, KeyedPolicy.class, () -> policies().keyed(name));
      }
    }
  }

  private DeclaredPolicies policies() {
    return beanFactory.getBean(DeclaredPolicies.class);
  }

  private static <T> void register(
      BeanDefinitionRegistry registry,
      String name,
      Class<T> type,
      java.util.function.Supplier<T> supplier) {
    if (registry.containsBeanDefinition(name)) {
      return;
    }
    RootBeanDefinition definition = new RootBeanDefinition(type, supplier);
    definition.setDestroyMethodName("");
    definition.setRole(BeanDefinition.ROLE_APPLICATION);
    registry.registerBeanDefinition(name, definition);
  }
}
