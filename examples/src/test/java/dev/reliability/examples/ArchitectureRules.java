package dev.reliability.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The dependency rules of DESIGN.md, as ArchUnit rules.
 *
 * <pre>
 * reliability-core      depends on no other module
 * reliability-health    depends on core
 * reliability-tracing   depends on core
 * reliability-metrics   depends on core (and may read health types)
 * reliability-monitoring depends on metrics and core (build-time tooling; no runtime module uses it)
 * </pre>
 *
 * <p>And no module reaches into another module's {@code internal} packages.
 */
final class ArchitectureRules {

  private ArchitectureRules() {}

  static final ArchRule CORE_DEPENDS_ON_NO_OTHER_MODULE =
      noClasses()
          .that()
          .resideInAPackage("dev.reliability.core..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.reliability.health..",
              "dev.reliability.tracing..",
              "dev.reliability.metrics..",
              "dev.reliability.monitoring..",
              "dev.reliability.examples..",
              "dev.reliability.benchmarks..")
          .because("reliability-core is the base every other module builds on")
          .allowEmptyShould(true);

  static final ArchRule HEALTH_DEPENDS_ONLY_ON_CORE =
      noClasses()
          .that()
          .resideInAPackage("dev.reliability.health..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.reliability.tracing..",
              "dev.reliability.metrics..",
              "dev.reliability.monitoring..",
              "dev.reliability.examples..",
              "dev.reliability.benchmarks..")
          .because("reliability-health depends on core only")
          .allowEmptyShould(true);

  static final ArchRule TRACING_DEPENDS_ONLY_ON_CORE =
      noClasses()
          .that()
          .resideInAPackage("dev.reliability.tracing..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.reliability.health..",
              "dev.reliability.metrics..",
              "dev.reliability.monitoring..",
              "dev.reliability.examples..",
              "dev.reliability.benchmarks..")
          .because("reliability-tracing depends on core only")
          .allowEmptyShould(true);

  static final ArchRule METRICS_DEPENDS_ON_CORE_AND_HEALTH =
      noClasses()
          .that()
          .resideInAPackage("dev.reliability.metrics..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.reliability.tracing..",
              "dev.reliability.monitoring..",
              "dev.reliability.examples..",
              "dev.reliability.benchmarks..")
          .because("reliability-metrics depends on core and may read health types")
          .allowEmptyShould(true);

  static final List<String> MODULES = List.of("core", "health", "tracing", "metrics", "monitoring");

  /** For each module: no class outside it uses its internal packages. */
  static List<ArchRule> internalPackagesStayInside() {
    return MODULES.stream()
        .map(
            module ->
                noClasses()
                    .that()
                    .resideOutsideOfPackage("dev.reliability." + module + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("dev.reliability." + module + "..internal..")
                    .because(
                        "internal packages of reliability-"
                            + module
                            + " are implementation details that may change at any time")
                    .allowEmptyShould(true))
        .toList();
  }

  static List<ArchRule> all() {
    List<ArchRule> rules =
        new java.util.ArrayList<>(
            List.of(
                CORE_DEPENDS_ON_NO_OTHER_MODULE,
                HEALTH_DEPENDS_ONLY_ON_CORE,
                TRACING_DEPENDS_ONLY_ON_CORE,
                METRICS_DEPENDS_ON_CORE_AND_HEALTH));
    rules.addAll(internalPackagesStayInside());
    return rules;
  }
}
