package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.reliability.core.archfixture.CoreUsesHealth;
import dev.reliability.core.archfixture.internal.CoreInternal;
import dev.reliability.health.archfixture.HealthThing;
import dev.reliability.metrics.archfixture.MetricsUsesCoreInternal;
import dev.reliability.metrics.archfixture.MetricsUsesMonitoring;
import dev.reliability.monitoring.archfixture.MonitoringThing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_ARCHIVES)
            .importPackages("dev.reliability");
  }

  @Test
  void productionCodeFollowsTheDependencyDirection() {
    for (ArchRule rule : ArchitectureRules.all()) {
      rule.check(production);
    }
  }

  @Test
  void importsEveryModule() {
    assertThat(production.containPackage("dev.reliability.core.error")).isTrue();
    assertThat(production.containPackage("dev.reliability.examples")).isTrue();
    assertThat(production.containPackage("dev.reliability.monitoring")).isTrue();
  }

  @Test
  void metricsRuleFailsWhenTheRuntimeMetricsModuleUsesMonitoring() {
    JavaClasses fixture =
        new ClassFileImporter().importClasses(MetricsUsesMonitoring.class, MonitoringThing.class);

    EvaluationResult result =
        ArchitectureRules.METRICS_DEPENDS_ON_CORE_AND_HEALTH.evaluate(fixture);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(
            line -> assertThat(line).contains("MetricsUsesMonitoring").contains("MonitoringThing"));
  }

  @Test
  void coreRuleFailsWhenCoreDependsOnHealth() {
    JavaClasses fixture =
        new ClassFileImporter().importClasses(CoreUsesHealth.class, HealthThing.class);

    EvaluationResult result = ArchitectureRules.CORE_DEPENDS_ON_NO_OTHER_MODULE.evaluate(fixture);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(line -> assertThat(line).contains("CoreUsesHealth").contains("HealthThing"));
  }

  @Test
  void internalRuleFailsWhenAnotherModuleUsesCoreInternals() {
    JavaClasses fixture =
        new ClassFileImporter().importClasses(MetricsUsesCoreInternal.class, CoreInternal.class);

    boolean violated =
        ArchitectureRules.internalPackagesStayInside().stream()
            .anyMatch(rule -> rule.evaluate(fixture).hasViolation());

    assertThat(violated).isTrue();
  }

  @Test
  void internalRuleAllowsAModuleToUseItsOwnInternals() {
    JavaClasses fixture =
        new ClassFileImporter().importClasses(CoreUsesHealth.class, CoreInternal.class);

    boolean violated =
        ArchitectureRules.internalPackagesStayInside().stream()
            .anyMatch(rule -> rule.evaluate(fixture).hasViolation());

    assertThat(violated).isFalse();
  }
}
