package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.cluster.FleetEngine;
import dev.reliability.core.policy.Policy;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.metrics.ReliabilityMetrics;
import dev.reliability.monitoring.MonitoringDeclaration;
import dev.reliability.tracing.ServiceTracing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every library jar is an explicit module that exports its API packages and no {@code internal}
 * package, except by name to its sibling modules. The consumer project in {@code
 * reliability-core/src/it/jpms-consumer} shows the same boundary from an application's side.
 */
class ModuleDescriptorTest {

  /** One class of each library module, to find where the module's classes are. */
  static Stream<Class<?>> libraryModules() {
    return Stream.of(
        Policy.class,
        HealthCheckRegistry.class,
        ServiceTracing.class,
        ReliabilityMetrics.class,
        MonitoringDeclaration.class,
        FleetEngine.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("libraryModules")
  void isAnExplicitModuleNamedAfterItsRootPackage(Class<?> anchor) {
    ModuleDescriptor descriptor = moduleOf(anchor).descriptor();

    assertThat(descriptor.isAutomatic()).isFalse();
    assertThat(anchor.getPackageName()).startsWith(descriptor.name());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("libraryModules")
  void exportsNoInternalPackageToApplications(Class<?> anchor) {
    ModuleDescriptor descriptor = moduleOf(anchor).descriptor();

    for (Exports export : descriptor.exports()) {
      if (isInternal(export.source())) {
        assertThat(export.isQualified()).as(export.source() + " exported to everyone").isTrue();
        assertThat(export.targets()).allMatch(target -> target.startsWith("dev.reliability."));
      }
    }
    assertThat(descriptor.opens())
        .noneMatch(open -> isInternal(open.source()) && !open.isQualified());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("libraryModules")
  void exportsEveryApiPackage(Class<?> anchor) {
    ModuleReference module = moduleOf(anchor);
    Set<String> exported =
        module.descriptor().exports().stream()
            .filter(e -> !e.isQualified())
            .map(Exports::source)
            .collect(Collectors.toSet());

    Set<String> api = new TreeSet<>(packagesWithClasses(module));
    api.removeIf(ModuleDescriptorTest::isInternal);

    assertThat(api).isNotEmpty();
    assertThat(exported).containsExactlyInAnyOrderElementsOf(api);
  }

  private static boolean isInternal(String pkg) {
    return pkg.endsWith(".internal") || pkg.contains(".internal.");
  }

  private static ModuleReference moduleOf(Class<?> anchor) {
    Path location;
    try {
      location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Set<ModuleReference> found = ModuleFinder.of(location).findAll();
    assertThat(found).as("a module at " + location).hasSize(1);
    return found.iterator().next();
  }

  private static Set<String> packagesWithClasses(ModuleReference module) {
    try (ModuleReader reader = module.open()) {
      return reader
          .list()
          .filter(e -> e.endsWith(".class") && e.contains("/"))
          .map(e -> e.substring(0, e.lastIndexOf('/')).replace('/', '.'))
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
