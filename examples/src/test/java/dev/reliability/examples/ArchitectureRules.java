package dev.reliability.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout of {@code docs/architecture.md}, as ArchUnit rules.
 *
 * <pre>
 * reliability-core        depends on no other module
 * reliability-test        core (fakes for tests; nothing at run time depends on it)
 * reliability-health      core
 * reliability-tracing     core
 * reliability-metrics     core, health
 * reliability-monitoring  core, health, metrics (build-time tooling; nothing depends on it)
 * reliability-cluster     core, optionally health and metrics (only examples and benchmarks use it)
 * reliability-reactor     core (Reactor operators; the Spring modules may use it)
 * reliability-spring-boot-autoconfigure
 *                         core, health, tracing, metrics, reactor (nothing in the library uses it)
 * examples                any library module (examples/spring-boot too: dev.reliability.examples..)
 * </pre>
 *
 * <p>Inside the modules: no module reaches into another's {@code internal} packages, except the
 * library's own modules into {@code dev.reliability.core.internal} (argument checks, JSON and
 * log-field writers, exported to them only); the packages of a module form no cycle; and the
 * optional adapters (Jetty, Jakarta WebSocket, Jakarta Servlet, the cluster's health check and
 * metrics binder) are leaves that no other package uses.
 */
final class ArchitectureRules {

  private ArchitectureRules() {}

  /** The library modules whose packages the rules name, with their root package. */
  static final List<String> MODULES =
      List.of(
          "core",
          "test",
          "health",
          "tracing",
          "metrics",
          "monitoring",
          "cluster",
          "reactor",
          "spring");

  /** Which module may use which: the arrows of the module graph. */
  static final ArchRule MODULE_GRAPH =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .withOptionalLayers(true)
          .layer("core")
          .definedBy("dev.reliability.core..")
          .layer("test")
          .definedBy("dev.reliability.test..")
          .layer("health")
          .definedBy("dev.reliability.health..")
          .layer("tracing")
          .definedBy("dev.reliability.tracing..")
          .layer("metrics")
          .definedBy("dev.reliability.metrics..")
          .layer("monitoring")
          .definedBy("dev.reliability.monitoring..")
          .layer("cluster")
          .definedBy("dev.reliability.cluster..")
          .layer("reactor")
          .definedBy("dev.reliability.reactor..")
          .layer("spring")
          .definedBy("dev.reliability.spring..")
          .layer("examples")
          .definedBy("dev.reliability.examples..")
          .layer("benchmarks")
          .definedBy("dev.reliability.benchmarks..")
          .whereLayer("benchmarks")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("examples")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("spring")
          .mayOnlyBeAccessedByLayers("examples", "benchmarks")
          .whereLayer("reactor")
          .mayOnlyBeAccessedByLayers("spring", "examples", "benchmarks")
          .whereLayer("cluster")
          .mayOnlyBeAccessedByLayers("examples", "benchmarks")
          .whereLayer("monitoring")
          .mayOnlyBeAccessedByLayers("benchmarks")
          .whereLayer("test")
          .mayOnlyBeAccessedByLayers("benchmarks")
          .whereLayer("tracing")
          .mayOnlyBeAccessedByLayers("spring", "examples", "benchmarks")
          .whereLayer("metrics")
          .mayOnlyBeAccessedByLayers("monitoring", "cluster", "spring", "examples", "benchmarks")
          .whereLayer("health")
          .mayOnlyBeAccessedByLayers(
              "metrics", "monitoring", "cluster", "spring", "examples", "benchmarks")
          .because(
              "runtime modules never depend on build-time tooling or test fakes, and the"
                  + " module graph has no upward arrows");

  /**
   * For each module: no class outside it uses its internal packages. The library's modules may use
   * {@code dev.reliability.core.internal} itself, which core exports to them alone.
   */
  static List<ArchRule> internalPackagesStayInside() {
    List<ArchRule> rules = new ArrayList<>();
    for (String module : MODULES) {
      String root = "dev.reliability." + module;
      String[] outside =
          module.equals("core")
              ? LIBRARY_PACKAGES // core's shared internal package is exported to the library
              : new String[] {root + ".."};
      rules.add(
          noClasses()
              .that()
              .resideOutsideOfPackages(outside)
              .should()
              .dependOnClassesThat()
              .resideInAPackage(root + "..internal..")
              .because(
                  "internal packages of reliability-"
                      + module
                      + " are implementation details that may change at any time")
              .allowEmptyShould(true));
    }
    rules.add(
        noClasses()
            .that()
            .resideOutsideOfPackage("dev.reliability.core..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.reliability.core.*.internal..", "dev.reliability.core.*.*.internal..")
            .because("the library's other modules may use core's shared internal package only")
            .allowEmptyShould(true));
    return rules;
  }

  private static final String[] LIBRARY_PACKAGES =
      MODULES.stream().map(m -> "dev.reliability." + m + "..").toArray(String[]::new);

  /** The packages of each module depend on each other without a cycle. */
  static final ArchRule NO_PACKAGE_CYCLES =
      slices()
          .matching("dev.reliability.(*).(*)..")
          .namingSlices("$1.$2")
          .should()
          .beFreeOfCycles()
          .because("a cycle between two packages makes both one unit that cannot change apart")
          .allowEmptyShould(true);

  /**
   * The optional adapters are leaves: the rest of the library never needs their dependencies. The
   * Spring Boot integration is on top of them, like an application: its WebSocket transport adapts
   * Tomcat's Jakarta sessions through the Jakarta adapter, behind its own class-path condition.
   */
  static final ArchRule ADAPTERS_ARE_LEAVES =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              "dev.reliability.core.connection.jetty..",
              "dev.reliability.core.connection.jakarta..",
              "dev.reliability.core.shedding.servlet..",
              "dev.reliability.cluster.health..",
              "dev.reliability.cluster.metrics..",
              "dev.reliability.spring..",
              "dev.reliability.examples..",
              "dev.reliability.benchmarks..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.reliability.core.connection.jetty..",
              "dev.reliability.core.connection.jakarta..",
              "dev.reliability.core.shedding.servlet..",
              "dev.reliability.cluster.health..",
              "dev.reliability.cluster.metrics..")
          .because(
              "an adapter's optional dependency (Jetty, Jakarta WebSocket, Jakarta Servlet, the"
                  + " cluster's health and metrics modules) must stay out of every other package")
          .allowEmptyShould(true);

  static List<ArchRule> all() {
    List<ArchRule> rules =
        new ArrayList<>(List.of(MODULE_GRAPH, NO_PACKAGE_CYCLES, ADAPTERS_ARE_LEAVES));
    rules.addAll(internalPackagesStayInside());
    return rules;
  }
}
