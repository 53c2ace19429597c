package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.reliability.cluster.FleetEngine;
import dev.reliability.core.archfixture.CoreUsesHealth;
import dev.reliability.core.archfixture.internal.CoreInternal;
import dev.reliability.core.archfixture.internal.InternalUsesJettyAdapter;
import dev.reliability.core.connection.jetty.JettyConnections;
import dev.reliability.core.cyclefixturea.CycleA;
import dev.reliability.core.cyclefixtureb.CycleB;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.Policy;
import dev.reliability.examples.archfixture.ExampleUsesCoreChecks;
import dev.reliability.examples.archfixture.ExampleUsesSpringInternal;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.archfixture.HealthThing;
import dev.reliability.health.archfixture.HealthUsesCoreChecks;
import dev.reliability.metrics.PolicyMetrics;
import dev.reliability.metrics.archfixture.MetricsUsesCoreInternal;
import dev.reliability.metrics.archfixture.MetricsUsesMonitoring;
import dev.reliability.metrics.archfixture.MetricsUsesTestFakes;
import dev.reliability.monitoring.MetricsLint;
import dev.reliability.monitoring.archfixture.MonitoringThing;
import dev.reliability.reactor.PolicyOperator;
import dev.reliability.reactor.archfixture.ReactorUsesSpring;
import dev.reliability.spring.archfixture.SpringThing;
import dev.reliability.spring.archfixture.internal.SpringInternal;
import dev.reliability.spring.archfixture.internal.SpringUsesJettyAdapter;
import dev.reliability.spring.boot.autoconfigure.SpringConfigSource;
import dev.reliability.test.ManualTimeSource;
import dev.reliability.tracing.RequestTracing;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  /** One class of each module, showing where that module's classes are. */
  static final List<Class<?>> MODULE_ANCHORS =
      List.of(
          Policy.class,
          ManualTimeSource.class,
          HealthCheck.class,
          RequestTracing.class,
          PolicyMetrics.class,
          MetricsLint.class,
          FleetEngine.class,
          PolicyOperator.class,
          SpringConfigSource.class,
          ExampleService.class);

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    // Each module's own class directory or jar (in a reactor build the other modules are jars on
    // the class path, which a package scan that skips archives would miss).
    List<URL> locations = new ArrayList<>();
    for (Class<?> anchor : MODULE_ANCHORS) {
      locations.add(anchor.getProtectionDomain().getCodeSource().getLocation());
    }
    production = new ClassFileImporter().importUrls(locations);
  }

  @Test
  void productionCodeFollowsTheModuleLayout() {
    for (ArchRule rule : ArchitectureRules.all()) {
      rule.check(production);
    }
  }

  @Test
  void importsEveryModule() {
    for (Class<?> anchor : MODULE_ANCHORS) {
      assertThat(production.contain(anchor.getName())).as(anchor.getName()).isTrue();
    }
    assertThat(production.stream().map(JavaClass::getPackageName))
        .contains(
            "dev.reliability.core.policy.internal",
            "dev.reliability.health.internal",
            "dev.reliability.tracing.internal",
            "dev.reliability.metrics.internal",
            "dev.reliability.monitoring.internal",
            "dev.reliability.reactor",
            "dev.reliability.spring.boot.autoconfigure")
        .doesNotContain("dev.reliability.core.archfixture");
  }

  @Test
  void moduleGraphFailsWhenCoreDependsOnHealth() {
    JavaClasses fixture =
        new ClassFileImporter().importClasses(CoreUsesHealth.class, HealthThing.class);

    EvaluationResult result = ArchitectureRules.MODULE_GRAPH.evaluate(fixture);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(line -> assertThat(line).contains("CoreUsesHealth").contains("HealthThing"));
  }

  @Test
  void moduleGraphFailsWhenRuntimeCodeUsesTheTestFakes() {
    JavaClasses fixture =
        new ClassFileImporter().importClasses(MetricsUsesTestFakes.class, ManualTimeSource.class);

    EvaluationResult result = ArchitectureRules.MODULE_GRAPH.evaluate(fixture);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(line -> assertThat(line).contains("MetricsUsesTestFakes"));
  }

  @Test
  void moduleGraphFailsWhenTheRuntimeMetricsModuleUsesMonitoring() {
    JavaClasses fixture =
        new ClassFileImporter().importClasses(MetricsUsesMonitoring.class, MonitoringThing.class);

    EvaluationResult result = ArchitectureRules.MODULE_GRAPH.evaluate(fixture);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(
            line -> assertThat(line).contains("MetricsUsesMonitoring").contains("MonitoringThing"));
  }

  @Test
  void moduleGraphFailsWhenTheReactorModuleUsesTheSpringModule() {
    JavaClasses fixture =
        new ClassFileImporter().importClasses(ReactorUsesSpring.class, SpringThing.class);

    EvaluationResult result = ArchitectureRules.MODULE_GRAPH.evaluate(fixture);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(line -> assertThat(line).contains("ReactorUsesSpring").contains("SpringThing"));
  }

  @Test
  void internalRuleFailsWhenAnApplicationUsesTheSpringModulesInternals() {
    assertThat(violated(ExampleUsesSpringInternal.class, SpringInternal.class)).isTrue();
  }

  @Test
  void internalRuleFailsWhenAnotherModuleUsesCoreInternals() {
    assertThat(violated(MetricsUsesCoreInternal.class, CoreInternal.class)).isTrue();
  }

  @Test
  void internalRuleFailsWhenCodeOutsideTheLibraryUsesCoresSharedInternals() {
    assertThat(violated(ExampleUsesCoreChecks.class, Checks.class)).isTrue();
  }

  @Test
  void internalRuleAllowsTheLibraryToUseCoresSharedInternals() {
    assertThat(violated(HealthUsesCoreChecks.class, Checks.class)).isFalse();
  }

  @Test
  void internalRuleAllowsAModuleToUseItsOwnInternals() {
    assertThat(violated(CoreUsesHealth.class, CoreInternal.class)).isFalse();
  }

  @Test
  void cycleRuleFailsOnAPackageCycle() {
    JavaClasses fixture = new ClassFileImporter().importClasses(CycleA.class, CycleB.class);

    EvaluationResult result = ArchitectureRules.NO_PACKAGE_CYCLES.evaluate(fixture);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString()).contains("cyclefixturea", "cyclefixtureb");
  }

  @Test
  void adapterRuleFailsWhenAnInternalPackageNeedsTheJettyAdapter() {
    JavaClasses fixture =
        new ClassFileImporter()
            .importClasses(InternalUsesJettyAdapter.class, JettyConnections.class);

    EvaluationResult result = ArchitectureRules.ADAPTERS_ARE_LEAVES.evaluate(fixture);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(line -> assertThat(line).contains("InternalUsesJettyAdapter"));
  }

  @Test
  void adapterRuleAllowsTheSpringIntegrationToUseAnAdapter() {
    JavaClasses fixture =
        new ClassFileImporter().importClasses(SpringUsesJettyAdapter.class, JettyConnections.class);

    assertThat(ArchitectureRules.ADAPTERS_ARE_LEAVES.evaluate(fixture).hasViolation()).isFalse();
  }

  private static boolean violated(Class<?>... classes) {
    JavaClasses fixture = new ClassFileImporter().importClasses(classes);
    return ArchitectureRules.internalPackagesStayInside().stream()
        .anyMatch(rule -> rule.evaluate(fixture).hasViolation());
  }
}
