package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.error.ServiceUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThrottleConfigTest {

  @Test
  void defaultsAreTheBooksWithACeiling() {
    ThrottleConfig config = ThrottleConfig.ofDefaults();
    assertThat(config.k()).isEqualTo(2.0);
    assertThat(config.window()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.buckets()).isEqualTo(12);
    assertThat(config.minimumRequests()).isEqualTo(10);
    assertThat(config.maxRejectionProbability()).isEqualTo(0.9);
    assertThat(config.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config)
        .hasToString(
            "ThrottleConfig[k=2.0, window=2m in 12 buckets, minimumRequests=10,"
                + " maxRejectionProbability=0.9, retryAfter=1s]")
        .isEqualTo(ThrottleConfig.builder().build());
  }

  @Test
  void overloadUnavailabilityAndTimeoutsAreRefusalsByDefault() {
    ThrottleConfig config = ThrottleConfig.ofDefaults();
    assertThat(config.isRejection(new ServiceUnavailableException("inventory", "503"))).isTrue();
    assertThat(config.isRejection(new RateLimitExceededException("inventory", 1_000))).isTrue();
    assertThat(config.isRejection(new CircuitOpenException("inner", "OPEN", null))).isTrue();
    assertThat(config.isRejection(new ConnectException("refused"))).isTrue();
    assertThat(config.isRejection(new SocketTimeoutException("read"))).isTrue();
    // The dependency did the work: an answer, even an error, is an accept.
    assertThat(config.isRejection(new DataValidationException("bad sku"))).isFalse();
    assertThat(config.isRejection(new IOException("reset"))).isFalse();
    assertThat(config.isRejection(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void aRuleOfOnesOwnReplacesTheDefault() {
    ThrottleConfig config =
        ThrottleConfig.builder().rejectedWhen(e -> e instanceof IllegalStateException).build();
    assertThat(config.isRejection(new IllegalStateException("quota"))).isTrue();
    assertThat(config.isRejection(new ServiceUnavailableException("inventory", "503"))).isFalse();
    // Derived configurations keep the rule.
    assertThat(config.toBuilder().k(3).build().isRejection(new IllegalStateException("q")))
        .isTrue();
  }

  @Test
  void returnedValuesAreAcceptsUnlessARuleSaysOtherwise() {
    assertThat(ThrottleConfig.ofDefaults().hasRejectedResultRule()).isFalse();
    assertThat(ThrottleConfig.ofDefaults().isRejectedResult(503)).isFalse();
    ThrottleConfig config =
        ThrottleConfig.builder().rejectedWhenResult(r -> Integer.valueOf(429).equals(r)).build();
    assertThat(config.hasRejectedResultRule()).isTrue();
    assertThat(config.isRejectedResult(429)).isTrue();
    assertThat(config.isRejectedResult(null)).isFalse();
    assertThat(config.toBuilder().build().isRejectedResult(429)).isTrue();
  }

  @Test
  void settersRefuseValuesOutsideTheirRange() {
    assertThatThrownBy(() -> ThrottleConfig.builder().k(0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("k must be a number between 1.0 and 100.0, was 0.5");
    assertThatThrownBy(() -> ThrottleConfig.builder().buckets(0))
        .hasMessage("buckets must be a whole number between 1 and 100, was 0");
    assertThatThrownBy(() -> ThrottleConfig.builder().window(Duration.ofMillis(10)))
        .hasMessage("window must be a duration between 1s and 1h, was 10ms");
    assertThatThrownBy(() -> ThrottleConfig.builder().maxRejectionProbability(1.5))
        .hasMessage("max-rejection-probability must be a number between 0.0 and 1.0, was 1.5");
    assertThatThrownBy(() -> ThrottleConfig.builder().rejectedWhen(null))
        .hasMessage("predicate must not be null");
  }

  @Test
  void aSourceOverridesTheCodesValues() {
    ConfigSource source =
        ConfigSource.fromMap(
            "application.properties",
            Map.of(
                "reliability.throttle.k", "1.5",
                "reliability.throttle.window", "1m",
                "reliability.throttle.max-rejection-probability", "1.0"));
    ThrottleConfig config = ThrottleConfig.builder().buckets(6).build().withOverrides(source);
    assertThat(config.k()).isEqualTo(1.5);
    assertThat(config.window()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.maxRejectionProbability()).isEqualTo(1.0);
    assertThat(config.buckets()).isEqualTo(6);

    ConfigSource bad =
        ConfigSource.fromMap("application.properties", Map.of("reliability.throttle.k", "0"));
    assertThatThrownBy(() -> ThrottleConfig.ofDefaults().withOverrides(bad))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("reliability.throttle.k")
        .hasMessageContaining("must be a number between 1.0 and 100.0");
  }
}
