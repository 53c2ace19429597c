package dev.reliability.core.shedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadSheddingConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    LoadSheddingConfig c = LoadSheddingConfig.ofDefaults();
    assertThat(c.enabled()).isTrue();
    assertThat(c.limit()).isEqualTo(AdaptiveLimitConfig.ofDefaults());
    assertThat(c.exemptPaths()).containsExactly("/health");
    assertThat(c.trafficClassHeader()).isEqualTo("X-Traffic-Class");
    assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c).isEqualTo(LoadSheddingConfig.builder().build());
    assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
  }

  @Test
  void badValuesAreRefusedNamingTheSettingAndTheRule() {
    LoadSheddingConfig.Builder b = LoadSheddingConfig.builder();
    assertThatThrownBy(() -> b.retryAfter(Duration.ZERO))
        .hasMessage("retry-after must be a duration between 1s and 1h, was 0s");
    assertThatThrownBy(() -> b.trafficClassHeader("X Traffic"))
        .hasMessage(
            "traffic-class-header must be an HTTP header name of 1 to 64 letters, digits or '-',"
                + " or empty for none, was \"X Traffic\"");
    assertThatThrownBy(() -> b.exemptPaths(List.of("health")))
        .hasMessageStartingWith("exempt-paths must be comma-separated paths, at most 32, each")
        .hasMessageEndingWith(", was [health]");
    assertThatThrownBy(() -> b.exemptPaths(List.of("/health/../api")))
        .hasMessageStartingWith("exempt-paths must be");
    assertThatThrownBy(() -> b.exemptPaths(List.of("/a%2F")))
        .hasMessageStartingWith("exempt-paths must be");
    assertThatThrownBy(() -> b.exemptPaths(Collections.nCopies(33, "/x")))
        .hasMessageStartingWith("exempt-paths must be");
    assertThatThrownBy(() -> b.limit(null)).hasMessage("limit must not be null");
  }

  @Test
  void aHugeHeaderNameOrPathListIsRefusedWithoutEchoingItWhole() {
    String huge = "X".repeat(64 * 1024);
    assertThatThrownBy(() -> LoadSheddingConfig.builder().trafficClassHeader(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("traffic-class-header must be");
    List<String> many = new ArrayList<>(Collections.nCopies(10_000, "/x"));
    assertThatThrownBy(() -> LoadSheddingConfig.builder().exemptPaths(many))
        .hasMessageStartingWith("exempt-paths must be");
  }

  @Test
  void overridesComeFromTheSourceAndKeepTheLimit() {
    AdaptiveLimitConfig limit = AdaptiveLimitConfig.builder().partition("interactive", 0.3).build();
    LoadSheddingConfig c =
        LoadSheddingConfig.builder()
            .limit(limit)
            .build()
            .withOverrides(
                ConfigSource.fromMap(
                    "test",
                    Map.of(
                        "reliability.load-shedding.exempt-paths", "/health, /metrics",
                        "reliability.load-shedding.traffic-class-header", "X-Priority",
                        "reliability.load-shedding.retry-after", "5s",
                        "reliability.load-shedding.enabled", "false")));
    assertThat(c.exemptPaths()).containsExactly("/health", "/metrics");
    assertThat(c.trafficClassHeader()).isEqualTo("X-Priority");
    assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.enabled()).isFalse();
    assertThat(c.limit()).isEqualTo(limit);
  }

  @Test
  void invalidOverridesAreListedByKey() {
    ConfigSource source =
        ConfigSource.fromMap(
            "test",
            Map.of(
                "reliability.load-shedding.exempt-paths", "health",
                "reliability.load-shedding.retry-after", "0s"));
    assertThatThrownBy(() -> LoadSheddingConfig.ofDefaults().withOverrides(source))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("reliability.load-shedding.exempt-paths")
        .hasMessageContaining("reliability.load-shedding.retry-after");
  }

  @Test
  void anEmptyHeaderNameReadsNoHeader() {
    LoadShedder shedder =
        LoadShedder.create(
            LoadSheddingConfig.builder()
                .limit(AdaptiveLimitConfig.builder().partition("interactive", 0.5).build())
                .trafficClassHeader("")
                .build());
    assertThat(shedder.trafficClass("GET", "/api", h -> "interactive")).isEqualTo("default");
  }
}
