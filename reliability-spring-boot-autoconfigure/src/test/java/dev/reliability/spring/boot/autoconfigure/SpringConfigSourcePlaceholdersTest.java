package dev.reliability.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * A value written with a placeholder in application.yml ({@code max-connections:
 * ${WS_MAX_CONNECTIONS:1000}}) reaches the library's validation resolved, as Spring's binder
 * resolves it, not as the placeholder's text.
 */
class SpringConfigSourcePlaceholdersTest {

  private final StandardEnvironment environment = new StandardEnvironment();

  private void yml(Map<String, Object> values) {
    environment.getPropertySources().addFirst(new MapPropertySource("application.yml", values));
  }

  private String text(String key) {
    return SpringConfigSource.of(environment).get(key).orElseThrow().text();
  }

  @Test
  void aPlaceholderTakesItsDefaultWhenNothingSetsIt() {
    yml(Map.of("reliability.websocket.max-connections", "${E2E_UNSET_WS_MAX:1000}"));

    assertThat(text("reliability.websocket.max-connections")).isEqualTo("1000");
  }

  @Test
  void aPlaceholderTakesTheValueOfTheKeyItNames() {
    yml(
        Map.of(
            "reliability.websocket.max-connections", "${example.ws-max}",
            "example.ws-max", "50"));

    assertThat(text("reliability.websocket.max-connections")).isEqualTo("50");
  }

  @Test
  void aPlaceholderUnderAPolicyAnswersTheCanonicalKeyResolved() {
    yml(
        Map.of(
            "reliability.policies.quote-backend.timelimiter.timeout", "${E2E_UNSET_TIMEOUT:2s}"));

    assertThat(text("reliability.timelimiter.quote-backend.timeout")).isEqualTo("2s");
  }
}
