package dev.reliability.spring.boot.autoconfigure.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/** Loads a YAML file of the test class path as Spring Boot loads application.yml, with origins. */
final class YamlFiles {

  private YamlFiles() {}

  static ApplicationContextInitializer<ConfigurableApplicationContext> load(String file) {
    return context -> {
      try {
        for (PropertySource<?> source :
            new YamlPropertySourceLoader().load(file, new ClassPathResource(file))) {
          context.getEnvironment().getPropertySources().addLast(source);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
