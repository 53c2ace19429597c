package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyConfigTest {

  private static ConfigSource env(Map<String, String> variables) {
    return ConfigSource.environment(variables);
  }

  @Test
  void thePolicysOwnKeyWinsOverTheSharedKeyWhichWinsOverCode() {
    ConfigSource source =
        ConfigSource.fromMap(
            "application.properties",
            Map.of(
                "reliability.circuitbreaker.failure-threshold", "7",
                "reliability.circuitbreaker.payments.failure-threshold", "9"));
    PolicyConfig code =
        PolicyConfig.builder()
            .circuitBreaker(
                CircuitBreakerConfig.builder()
                    .failureThreshold(3)
                    .waitInOpen(Duration.ofSeconds(10))
                    .build())
            .build();

    CircuitBreakerConfig payments =
        code.withOverrides(source, "payments").circuitBreaker().orElseThrow();
    CircuitBreakerConfig search =
        code.withOverrides(source, "search").circuitBreaker().orElseThrow();

    assertThat(payments.failureThreshold()).isEqualTo(9);
    assertThat(search.failureThreshold()).isEqualTo(7);
    assertThat(payments.waitInOpen()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void environmentVariablesChangeThresholdsWithoutCodeChanges() {
    ConfigSource source =
        env(
            Map.of(
                "RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD", "10",
                "RELIABILITY_CIRCUITBREAKER_PAYMENTS_WAIT_IN_OPEN", "30",
                "RELIABILITY_RETRY_PAYMENTS_MAX_RETRIES", "5",
                "RELIABILITY_RETRY_PAYMENTS_BACKOFF", "linear",
                "RELIABILITY_RETRY_PAYMENTS_INITIAL_DELAY", "200ms",
                "RELIABILITY_RETRY_PAYMENTS_MAX_DELAY", "2s",
                "RELIABILITY_RETRY_PAYMENTS_JITTER", "decorrelated",
                "RELIABILITY_RETRY_PAYMENTS_BUDGET_RATIO", "20%",
                "RELIABILITY_TIMELIMITER_PAYMENTS_TIMEOUT", "1500ms"));
    PolicyConfig base =
        PolicyConfig.ofDefaults().toBuilder().timeLimiter(TimeLimiterConfig.ofDefaults()).build();

    Policy policy = Policy.builder("payments").config(base).configSource(source).build();

    CircuitBreakerConfig breaker = policy.config().circuitBreaker().orElseThrow();
    assertThat(breaker.failureThreshold()).isEqualTo(10);
    assertThat(breaker.waitInOpen()).isEqualTo(Duration.ofSeconds(30));
    RetryConfig retry = policy.config().retry().orElseThrow();
    assertThat(retry.maxRetries()).isEqualTo(5);
    assertThat(retry.backoff())
        .isEqualTo(Backoff.linear(Duration.ofMillis(200), Duration.ofSeconds(2)));
    assertThat(retry.jitter()).isEqualTo(Jitter.DECORRELATED);
    assertThat(retry.budget()).contains(RetryBudget.of(0.2, 10));
    assertThat(policy.config().timeLimiter().orElseThrow().timeout())
        .isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void enabledKeysAddAndRemoveComponents() {
    ConfigSource source =
        env(
            Map.of(
                "RELIABILITY_RATELIMITER_OPENAI_ENABLED", "true",
                "RELIABILITY_RATELIMITER_OPENAI_LIMIT", "120",
                "RELIABILITY_RETRY_OPENAI_ENABLED", "false",
                "RELIABILITY_BULKHEAD_ENABLED", "yes"));
    PolicyConfig resolved = PolicyConfig.ofDefaults().withOverrides(source, "openai");
    assertThat(resolved.retry()).isEmpty();
    assertThat(resolved.circuitBreaker()).isPresent();
    assertThat(resolved.rateLimiter().orElseThrow().limit()).isEqualTo(120);
    assertThat(resolved.rateLimiter().orElseThrow().period()).isEqualTo(Duration.ofMinutes(1));
    assertThat(resolved.bulkhead()).contains(BulkheadConfig.ofDefaults());
    assertThat(resolved.timeLimiter()).isEmpty();
  }

  @Test
  void aPresetKeyReplacesTheNumbersSetInCode() {
    ConfigSource source = env(Map.of("RELIABILITY_CIRCUITBREAKER_PRESET", "failure-rate"));
    CircuitBreakerConfig resolved =
        PolicyConfig.ofDefaults().withOverrides(source, "search").circuitBreaker().orElseThrow();
    assertThat(resolved.failureThreshold()).isZero();
    assertThat(resolved.halfOpenCalls()).isEqualTo(10);
  }

  @Test
  void theShortVariablesOfTheHandBuiltServicesMapOntoTheKeys() {
    ConfigSource source =
        env(Map.of(
                "CB_FAILURE_THRESHOLD", "3",
                "CB_RECOVERY_TIMEOUT", "30",
                "RATE_LIMIT_OPENAI_RPM", "120"))
            .withAliases(PolicyConfig.legacyEnvironmentAliases("openai"));
    PolicyConfig base =
        PolicyConfig.ofDefaults().toBuilder().rateLimiter(RateLimiterConfig.ofDefaults()).build();

    PolicyConfig openai = base.withOverrides(source, "openai");

    assertThat(openai.circuitBreaker().orElseThrow().failureThreshold()).isEqualTo(3);
    assertThat(openai.circuitBreaker().orElseThrow().waitInOpen())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(openai.rateLimiter().orElseThrow().limit()).isEqualTo(120);
    assertThat(base.withOverrides(source, "other").rateLimiter().orElseThrow().limit())
        .isEqualTo(60);
    assertThat(PolicyConfig.legacyEnvironmentAliases("open-ai"))
        .containsEntry("reliability.ratelimiter.open-ai.limit", "RATE_LIMIT_OPEN_AI_RPM")
        .containsEntry("reliability.circuitbreaker.failure-threshold", "CB_FAILURE_THRESHOLD")
        .containsEntry("reliability.circuitbreaker.wait-in-open", "CB_RECOVERY_TIMEOUT");
  }

  @Test
  void everyInvalidValueIsReportedAtOnceWithItsOrigin() {
    ConfigSource source =
        env(
            Map.of(
                "RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD", "many",
                "RELIABILITY_RETRY_MAX_RETRIES", "-1"));
    String nl = System.lineSeparator();
    assertThatThrownBy(() -> PolicyConfig.ofDefaults().withOverrides(source, "payments"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Invalid configuration (2 problems):"
                + nl
                + "  - reliability.circuitbreaker.payments.failure-threshold must be a whole number"
                + " between 0 and 100000, was \"many\" (from environment variable"
                + " RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD)"
                + nl
                + "  - reliability.retry.max-retries must be a whole number between 0 and 1000,"
                + " was \"-1\" (from environment variable RELIABILITY_RETRY_MAX_RETRIES)");
  }

  @Test
  void contradictorySettingsAreReportedForThePolicy() {
    ConfigSource source =
        env(
            Map.of(
                "RELIABILITY_RETRY_PAYMENTS_INITIAL_DELAY", "10s",
                "RELIABILITY_RETRY_PAYMENTS_MAX_DELAY", "1s"));
    assertThatThrownBy(() -> PolicyConfig.ofDefaults().withOverrides(source, "payments"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Invalid configuration of policy 'payments': max-delay must be at least the initial"
                + " delay (10s), was 1s");
  }

  @Test
  void policyNamesMustWorkAsConfigurationKeys() {
    assertThatThrownBy(() -> Policy.builder("pay ments"))
        .hasMessage(
            "name must be letters, digits, '-' and '_', starting with a letter or digit, was"
                + " \"pay ments\"");
    assertThatThrownBy(() -> Policy.builder(" ")).hasMessage("name must not be blank, was \" \"");
  }

  @Test
  void everySettingIsDeclaredOnceWithADescription() {
    assertThat(PolicyConfig.SETTINGS.keySet())
        .containsExactly(
            "reliability.circuitbreaker",
            "reliability.retry",
            "reliability.ratelimiter",
            "reliability.bulkhead",
            "reliability.timelimiter",
            "reliability.adaptive-limit",
            "reliability.hedge",
            "reliability.throttle",
            "reliability.chaos");
    for (List<Setting<?>> settings : PolicyConfig.SETTINGS.values()) {
      Set<String> names = new HashSet<>();
      for (Setting<?> s : settings) {
        assertThat(names.add(s.name())).as(s.name()).isTrue();
        assertThat(s.description()).as(s.name()).isNotBlank();
      }
      assertThat(names).contains("enabled");
    }
  }

  @Test
  void derivedConfigurationsKeepTheBaseAndDropComponents() {
    PolicyConfig base =
        PolicyConfig.builder()
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .retry(RetryConfig.ofDefaults())
            .rateLimiter(RateLimiterConfig.ofDefaults())
            .bulkhead(BulkheadConfig.ofDefaults())
            .timeLimiter(TimeLimiterConfig.ofDefaults())
            .build();
    PolicyConfig derived =
        base.toBuilder().noRetry().noRateLimiter().noBulkhead().noTimeLimiter().build();
    assertThat(derived.circuitBreaker()).isPresent();
    assertThat(derived.retry()).isEmpty();
    assertThat(derived.toBuilder().noCircuitBreaker().build().circuitBreaker()).isEmpty();
    assertThat(PolicyConfig.empty().toString()).isEqualTo("PolicyConfig[]");
    assertThat(base.retry()).isPresent();
  }
}
