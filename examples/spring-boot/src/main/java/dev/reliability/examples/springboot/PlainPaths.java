package dev.reliability.examples.springboot;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The plain example's paths on top of Actuator's: {@code GET /metrics} is {@code
 * /actuator/prometheus} and {@code GET /health} is {@code /actuator/health}, forwarded inside the
 * server (no redirect). The probes {@code /health/live}, {@code /health/ready} and {@code
 * /health/startup} are Actuator health groups with an {@code additional-path} in {@code
 * application.yml}.
 */
@Configuration(proxyBeanMethods = false)
class PlainPaths implements WebMvcConfigurer {

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addViewController("/metrics").setViewName("forward:/actuator/prometheus");
    registry.addViewController("/health").setViewName("forward:/actuator/health");
  }
}
