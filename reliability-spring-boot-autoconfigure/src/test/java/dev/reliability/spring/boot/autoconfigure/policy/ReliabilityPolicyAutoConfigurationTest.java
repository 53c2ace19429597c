package dev.reliability.spring.boot.autoconfigure.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigProblem;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.policy.KeyedPolicy;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.spring.boot.autoconfigure.policy.internal.DeclaredPolicies;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class ReliabilityPolicyAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ReliabilityPolicyAutoConfiguration.class));

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }

  @Test
  void withoutAnyReliabilityPropertyOnlyAnEmptyRegistryExistsAndNoThreadStarts() {
    Set<String> before = threadNames();
    runner.run(
        context -> {
          assertThat(context).hasNotFailed().hasSingleBean(PolicyRegistry.class);
          assertThat(context).doesNotHaveBean(Policy.class).doesNotHaveBean(KeyedPolicy.class);
          PolicyRegistry registry = context.getBean(PolicyRegistry.class);
          assertThat(registry.policies()).isEmpty();
          assertThat(registry.keyedPolicies()).isEmpty();
          assertThat(registry.templates()).isEmpty();
          Set<String> started = threadNames();
          started.removeAll(before);
          assertThat(started).as("threads started by the context").isEmpty();
        });
  }

  @Test
  void declaredPoliciesStartNoThreadUntilACallNeedsOne() {
    Set<String> before = threadNames();
    runner
        .withInitializer(YamlFiles.load("policy-valid.yml"))
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasBean("quote-backend");
              assertThat(context.getBean("plain", Policy.class).execute(() -> "done"))
                  .isEqualTo("done");
              Set<String> started = threadNames();
              started.removeAll(before);
              assertThat(started).as("threads started by the context").isEmpty();
            });
  }

  @Test
  void eachDeclaredPolicyIsABeanNamedAfterItInTheRegistryWithItsTemplateAndSettings() {
    runner
        .withInitializer(YamlFiles.load("policy-valid.yml"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              PolicyRegistry registry = context.getBean(PolicyRegistry.class);
              Policy quote = context.getBean("quote-backend", Policy.class);
              assertThat(registry.find("quote-backend")).containsSame(quote);
              PolicyConfig config = quote.config();
              // from the template, overridden by the policy's own block
              assertThat(config.circuitBreaker().orElseThrow().failureThreshold()).isEqualTo(9);
              assertThat(config.retry().orElseThrow().maxRetries()).isEqualTo(2);
              // a component block turns the component on
              assertThat(config.timeLimiter().orElseThrow().timeout())
                  .isEqualTo(Duration.ofSeconds(2));
              // no template: the registry's default template, a breaker and retries
              Policy plain = context.getBean("plain", Policy.class);
              assertThat(plain.config().circuitBreaker()).isPresent();
              assertThat(plain.config().timeLimiter()).isEmpty();
              assertThat(registry.templates()).containsExactly("standard");
              assertThat(registry.policy("other", "standard").config().rateLimiter()).isEmpty();
            });
  }

  @Test
  void aKeyedPolicyIsABeanWithItsBoundsAndTemplateFromItsBlock() {
    runner
        .withInitializer(YamlFiles.load("policy-valid.yml"))
        .run(
            context -> {
              KeyedPolicy keyed = context.getBean("downstream", KeyedPolicy.class);
              assertThat(context.getBean(PolicyRegistry.class).keyedPolicies())
                  .containsExactly(keyed);
              assertThat(keyed.config().maxKeys()).isEqualTo(1000);
              assertThat(keyed.template().circuitBreaker().orElseThrow().failureThreshold())
                  .isEqualTo(3);
              assertThat(keyed.template().retry().orElseThrow().maxRetries()).isEqualTo(4);
            });
  }

  @Test
  void theCanonicalKeyWinsOverThePolicyForm() {
    runner
        .withPropertyValues(
            "reliability.policies.quote-backend.retry.max-retries=2",
            "reliability.retry.quote-backend.max-retries=5")
        .run(
            context ->
                assertThat(
                        context
                            .getBean("quote-backend", Policy.class)
                            .config()
                            .retry()
                            .orElseThrow()
                            .maxRetries())
                    .isEqualTo(5));
  }

  @Test
  void anEnvironmentVariableInSpringsFormOverridesThePolicyInTheFile() {
    runner
        .withInitializer(YamlFiles.load("policy-valid.yml"))
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .addFirst(
                        new SystemEnvironmentPropertySource(
                            "test-systemEnvironment",
                            Map.of("RELIABILITY_POLICIES_QUOTEBACKEND_RETRY_MAXRETRIES", "7"))))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(
                      context
                          .getBean("quote-backend", Policy.class)
                          .config()
                          .retry()
                          .orElseThrow()
                          .maxRetries())
                  .isEqualTo(7);
              assertThat(context).hasBean("quote-backend").doesNotHaveBean("quotebackend");
            });
  }

  @Test
  void theCanonicalKeysEnvironmentVariableOverridesThePolicyInTheFile() {
    runner
        .withInitializer(YamlFiles.load("policy-valid.yml"))
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .addFirst(
                        new SystemEnvironmentPropertySource(
                            "test-systemEnvironment",
                            Map.of("RELIABILITY_RETRY_QUOTE_BACKEND_MAX_RETRIES", "6"))))
        .run(
            context ->
                assertThat(
                        context
                            .getBean("quote-backend", Policy.class)
                            .config()
                            .retry()
                            .orElseThrow()
                            .maxRetries())
                    .isEqualTo(6));
  }

  @Test
  void relaxedNamesBindAsSpringUsersExpect() {
    runner
        .withPropertyValues("reliability.policies.quote-backend.circuitBreaker.failureThreshold=11")
        .run(
            context ->
                assertThat(
                        context
                            .getBean("quote-backend", Policy.class)
                            .config()
                            .circuitBreaker()
                            .orElseThrow()
                            .failureThreshold())
                    .isEqualTo(11));
  }

  @Test
  void aCamelCasePolicyNameKeepsItsSpellingAndItsSettings() {
    runner
        .withPropertyValues("reliability.policies.quoteBackend.retry.max-retries=3")
        .run(
            context ->
                assertThat(
                        context
                            .getBean("quoteBackend", Policy.class)
                            .config()
                            .retry()
                            .orElseThrow()
                            .maxRetries())
                    .isEqualTo(3));
  }

  @Test
  void anInvalidValueAnUnknownComponentAndAnUnknownSettingFailTheStartWithTheirYamlLines() {
    runner
        .withInitializer(YamlFiles.load("policy-invalid.yml"))
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable failure = context.getStartupFailure();
              ConfigurationException e = rootCause(failure, ConfigurationException.class);
              assertThat(e.problems())
                  .extracting(ConfigProblem::describe)
                  .containsExactlyInAnyOrder(
                      "reliability.policies.quote-backend.circuitbreaker.failure-treshold must be"
                          + " a setting of circuitbreaker "
                          + settingNames("circuitbreaker")
                          + ", was \"circuitbreaker.failuretreshold\" (from class path resource"
                          + " [policy-invalid.yml] - 7:27)",
                      "reliability.policies.quote-backend.retyr.max-retries must be one of"
                          + " [template, circuitbreaker, retry, ratelimiter, bulkhead, timelimiter,"
                          + " adaptive-limit, hedge, throttle, chaos], was \"retyr.maxretries\""
                          + " (from class path resource [policy-invalid.yml] - 9:22)",
                      "reliability.retry.quote-backend.max-retries must be a whole number between"
                          + " 0 and 1000, was \"-1\" (from"
                          + " reliability.policies.quote-backend.retry.max-retries in class path"
                          + " resource [policy-invalid.yml] - 5:22)");
            });
  }

  @Test
  void invalidKeyedBoundsAndTemplateValuesFailTheStartTogether() {
    runner
        .withPropertyValues(
            "reliability.templates.standard.retry.max-retries=-5",
            "reliability.keyed-policies.downstream.template=standard",
            "reliability.keyed-policies.downstream.max-keys=0",
            "reliability.keyed-policies.downstream.max-keyz=10")
        .run(
            context -> {
              ConfigurationException e =
                  rootCause(context.getStartupFailure(), ConfigurationException.class);
              assertThat(e.problems())
                  .extracting(ConfigProblem::key, ConfigProblem::value)
                  .containsExactlyInAnyOrder(
                      org.assertj.core.groups.Tuple.tuple(
                          "reliability.retry.standard.max-retries", "-5"),
                      org.assertj.core.groups.Tuple.tuple(
                          "reliability.keyed.downstream.max-keys", "0"),
                      org.assertj.core.groups.Tuple.tuple(
                          "reliability.keyed-policies.downstream.max-keyz", "maxkeyz"));
              assertThat(e.problems())
                  .filteredOn(p -> p.key().equals("reliability.keyed.downstream.max-keys"))
                  .singleElement()
                  .satisfies(
                      p ->
                          assertThat(p.origin())
                              .startsWith("reliability.keyed-policies.downstream.max-keys in "));
            });
  }

  @Test
  void anUnknownTemplateFailsTheStart() {
    runner
        .withPropertyValues("reliability.policies.quote-backend.template=standrad")
        .run(
            context -> {
              ConfigurationException e =
                  rootCause(context.getStartupFailure(), ConfigurationException.class);
              assertThat(e.problems())
                  .singleElement()
                  .satisfies(
                      p -> {
                        assertThat(p.key())
                            .isEqualTo("reliability.policies.quote-backend.template");
                        assertThat(p.value()).isEqualTo("standrad");
                        assertThat(p.rule())
                            .isEqualTo(
                                "the name of a template of the registry, declared under"
                                    + " reliability.templates []");
                      });
            });
  }

  @Test
  void aHostileLongPolicyNameFailsQuicklyWithAShortMessage() {
    String name = "a".repeat(64 * 1024);
    long start = System.nanoTime();
    runner
        .withPropertyValues("reliability.policies." + name + ".retry.max-retries=2")
        .run(
            context -> {
              ConfigurationException e =
                  rootCause(context.getStartupFailure(), ConfigurationException.class);
              assertThat(e.problems())
                  .singleElement()
                  .satisfies(
                      p -> {
                        assertThat(p.rule())
                            .isEqualTo(
                                "1 to 128 letters, digits, '-' and '_', starting with a letter or"
                                    + " digit");
                        assertThat(p.value()).isEqualTo("a".repeat(64) + "... (65536 characters)");
                      });
              assertThat(e.getMessage()).hasSizeLessThan(1_000);
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void theSwitchTurnsThePolicyAutoConfigurationOff() {
    runner
        .withPropertyValues(
            "reliability.policy.enabled=false",
            "reliability.policies.quote-backend.retry.max-retries=2")
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .doesNotHaveBean(PolicyRegistry.class)
                    .doesNotHaveBean(Policy.class));
  }

  @Test
  void anApplicationsOwnRegistryIsUsedAndGetsTheDeclaredPolicies() {
    runner
        .withUserConfiguration(OwnRegistry.class)
        .withPropertyValues("reliability.policies.quote-backend.retry.max-retries=2")
        .run(
            context -> {
              assertThat(context).hasSingleBean(PolicyRegistry.class);
              PolicyRegistry own = context.getBean(PolicyRegistry.class);
              assertThat(own).isSameAs(OwnRegistry.REGISTRY);
              assertThat(own.find("quote-backend"))
                  .containsSame(context.getBean("quote-backend", Policy.class));
              assertThat(context).hasSingleBean(DeclaredPolicies.class);
            });
  }

  @Test
  void theRegistryIsClosedWithTheContext() {
    PolicyRegistry[] seen = new PolicyRegistry[1];
    runner
        .withPropertyValues("reliability.policies.quote-backend.retry.max-retries=2")
        .run(context -> seen[0] = context.getBean(PolicyRegistry.class));
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> seen[0].policy("late")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the policy registry is closed");
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnRegistry {
    static final PolicyRegistry REGISTRY = PolicyRegistry.builder().build();

    @Bean
    PolicyRegistry ownRegistry() {
      return REGISTRY;
    }
  }

  static String settingNames(String component) {
    return dev.reliability.spring.boot.autoconfigure.policy.internal.PolicyKeys.components()
        .get(component)
        .stream()
        .map(dev.reliability.core.config.Setting::name)
        .toList()
        .toString();
  }

  static <T extends Throwable> T rootCause(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + failure, failure);
  }
}
