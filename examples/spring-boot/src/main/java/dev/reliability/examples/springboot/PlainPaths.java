package dev.reliability.examples.springboot;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The plain example's paths on top of Actuator's, forwarded inside the server (no redirect): {@code
 * /health/live}, {@code /health/ready} and {@code /health/startup} to the health groups {@code
 * liveness}, {@code readiness} and {@code startup}, {@code /health} to {@code /actuator/health} and
 * {@code /metrics} to {@code /actuator/prometheus}. (Actuator's own {@code additional-path} would
 * serve a group at another path, but only at a one-segment path such as {@code /livez}.)
 */
@Configuration(proxyBeanMethods = false)
class PlainPaths implements WebMvcConfigurer {

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addViewController("/health/live").setViewName("forward:/actuator/health/liveness");
    registry.addViewController("/health/ready").setViewName("forward:/actuator/health/readiness");
    registry.addViewController("/health/startup").setViewName("forward:/actuator/health/startup");
    registry.addViewController("/health").setViewName("forward:/actuator/health");
    registry.addViewController("/metrics").setViewName("forward:/actuator/prometheus");
  }
}
