package dev.reliability.examples;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.reliability.core.policy.Policy;
import dev.reliability.health.HealthCheck;
import dev.reliability.metrics.PolicyMetrics;
import dev.reliability.tracing.RequestTracing;
import dev.reliability.tracing.archfixture.UsesClassicLogging;
import dev.reliability.tracing.archfixture.UsesFluentLogging;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runtime modules call only what slf4j-api 1.7 has. Resilience4j 2 depends on slf4j-api 1.7, so
 * a service that declares a Resilience4j module before ours resolves 1.7 (Maven takes the nearest
 * version), and a call to an SLF4J 2 method then fails with {@code NoSuchMethodError}. The consumer
 * project under {@code reliability-core/src/it/slf4j17-consumer} runs a breaker on 1.7 for real;
 * this rule names the offending call at unit-test time.
 */
class Slf4jCompatibilityTest {

  /** Methods of {@code org.slf4j.Logger} and {@code MDC} that slf4j-api 2.0 added. */
  static final String SLF4J_2_METHODS =
      "at(Trace|Debug|Info|Warn|Error|Level)|isEnabledForLevel|makeLoggingEventBuilder"
          + "|pushByKey|popByKey|getCopyOfDequeByKey|clearDequeByKey";

  static final ArchRule RUNTIME_MODULES_USE_ONLY_THE_SLF4J_1_7_API =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.reliability.core..",
              "dev.reliability.health..",
              "dev.reliability.tracing..",
              "dev.reliability.metrics..")
          .should()
          .callMethodWhere(
              target(owner(HasName.Predicates.nameMatching("org\\.slf4j\\.(Logger|MDC)")))
                  .and(target(nameMatching(SLF4J_2_METHODS))))
          .orShould()
          .dependOnClassesThat()
          .haveNameMatching(
              "org\\.slf4j\\.spi\\.(.*LoggingEventBuilder|CallerBoundaryAware|LoggingEventAware"
                  + "|SLF4JServiceProvider)|org\\.slf4j\\.event\\.(KeyValuePair|DefaultLoggingEvent)")
          .because(
              "slf4j-api 1.7 (which Resilience4j brings) lacks them, and the call would fail with"
                  + " NoSuchMethodError or NoClassDefFoundError")
          .allowEmptyShould(true);

  @Test
  void runtimeModulesCallOnlyTheSlf4j17Api() throws Exception {
    // The modules' own class directories or jars (the reactor puts jars on the class path in
    // verify), one class of each module showing where its code is.
    List<URL> modules = new ArrayList<>();
    for (Class<?> c :
        List.of(Policy.class, HealthCheck.class, RequestTracing.class, PolicyMetrics.class)) {
      modules.add(c.getProtectionDomain().getCodeSource().getLocation());
    }
    JavaClasses production = new ClassFileImporter().importUrls(modules);
    for (String module : List.of("core", "health", "tracing", "metrics")) {
      assertThat(production.stream().map(JavaClass::getPackageName))
          .as(module)
          .anyMatch(p -> p.startsWith("dev.reliability." + module + "."));
    }

    RUNTIME_MODULES_USE_ONLY_THE_SLF4J_1_7_API.check(production);
  }

  @Test
  void theRuleNamesAFluentLoggingCall() {
    JavaClasses fixture = new ClassFileImporter().importClasses(UsesFluentLogging.class);

    EvaluationResult result = RUNTIME_MODULES_USE_ONLY_THE_SLF4J_1_7_API.evaluate(fixture);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(line -> assertThat(line).contains("UsesFluentLogging").contains("atInfo()"))
        .anySatisfy(line -> assertThat(line).contains("LoggingEventBuilder"));
  }

  @Test
  void theRuleAcceptsTheClassicApi() {
    JavaClasses fixture = new ClassFileImporter().importClasses(UsesClassicLogging.class);

    assertThat(RUNTIME_MODULES_USE_ONLY_THE_SLF4J_1_7_API.evaluate(fixture).hasViolation())
        .isFalse();
  }
}
