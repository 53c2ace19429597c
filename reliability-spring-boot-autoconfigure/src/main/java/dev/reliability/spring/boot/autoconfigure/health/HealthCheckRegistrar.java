package dev.reliability.spring.boot.autoconfigure.health;

import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistration;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthListener;
import dev.reliability.spring.boot.autoconfigure.health.internal.ActuatorIndicators;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Registers the application's checks once every singleton exists, so a check may depend on any
 * bean, even the registry itself: first every {@link HealthCheckRegistrationBean}, then every
 * {@link HealthCheck} bean under its bean name (unless the same object is registered already), then
 * the {@linkplain HealthCheckRegistrationBean#fallback fallback} registrations (the built-in
 * checks) whose names are still free, then Actuator's indicators when Actuator is present; and adds
 * every {@link HealthListener} bean.
 */
final class HealthCheckRegistrar implements SmartInitializingSingleton {

  private static final Logger LOG = LoggerFactory.getLogger(HealthCheckRegistrar.class);

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
    List<HealthCheckRegistrationBean> registrations =
        beans.getBeanProvider(HealthCheckRegistrationBean.class).orderedStream().toList();
    for (HealthCheckRegistrationBean b : registrations) {
      if (!b.isFallback() && registered.add(b.check())) {
        register(b.name(), b.check(), b.config());
      }
    }
    Map<String, HealthCheck> checks = beans.getBeansOfType(HealthCheck.class);
    checks.forEach(
        (name, check) -> {
          if (registered.add(check)) {
            register(name, check, HealthCheckConfig.ofDefaults());
          }
        });
    for (HealthCheckRegistrationBean b : registrations) {
      if (b.isFallback() && !registered.contains(b.check())) {
        if (registry.registration(b.name()).isPresent()) {
          LOG.info("The application's health check {} replaces the built-in one", b.name());
        } else {
          registered.add(b.check());
          register(b.name(), b.check(), b.config());
        }
      }
    }
    beans.getBeanProvider(HealthListener.class).orderedStream().forEach(registry::addListener);
    ActuatorIndicators indicators = actuator.getIfAvailable();
    if (indicators != null) {
      indicators.registerInto(registry);
    }
  }

  private void register(String name, HealthCheck check, HealthCheckConfig config) {
    try {
      registry.register(name, check, config);
    } catch (IllegalArgumentException e) {
      throw new BeanInitializationException(
          "Could not register the health check \"" + name + "\": " + e.getMessage(), e);
    }
  }
}
