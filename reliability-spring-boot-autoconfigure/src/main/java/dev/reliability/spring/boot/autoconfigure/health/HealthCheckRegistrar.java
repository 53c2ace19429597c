package dev.reliability.spring.boot.autoconfigure.health;

import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckRegistration;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthListener;
import dev.reliability.spring.boot.autoconfigure.health.internal.ActuatorIndicators;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Registers the application's checks once every singleton exists, so a check may depend on any
 * bean, even the registry itself: first every {@link HealthCheckRegistrationBean}, then every
 * {@link HealthCheck} bean under its bean name (unless the same object is registered already), then
 * Actuator's indicators when Actuator is present; and adds every {@link HealthListener} bean.
 */
final class HealthCheckRegistrar implements SmartInitializingSingleton {

  private final HealthCheckRegistry registry;
  private final ListableBeanFactory beans;
  private final ObjectProvider<ActuatorIndicators> actuator;

  HealthCheckRegistrar(
      HealthCheckRegistry registry,
      ListableBeanFactory beans,
      ObjectProvider<ActuatorIndicators> actuator) {
    this.registry = registry;
    this.beans = beans;
    this.actuator = actuator;
  }

  @Override
  public void afterSingletonsInstantiated() {
    Set<HealthCheck> registered = Collections.newSetFromMap(new IdentityHashMap<>());
    for (HealthCheckRegistration r : registry.registrations()) {
      registered.add(r.check());
    }
    beans
        .getBeanProvider(HealthCheckRegistrationBean.class)
        .orderedStream()
        .forEach(
            b -> {
              if (registered.add(b.check())) {
                registry.register(b.name(), b.check(), b.config());
              }
            });
    Map<String, HealthCheck> checks = beans.getBeansOfType(HealthCheck.class);
    checks.forEach(
        (name, check) -> {
          if (registered.add(check)) {
            registry.register(name, check);
          }
        });
    beans.getBeanProvider(HealthListener.class).orderedStream().forEach(registry::addListener);
    ActuatorIndicators indicators = actuator.getIfAvailable();
    if (indicators != null) {
      indicators.registerInto(registry);
    }
  }
}
