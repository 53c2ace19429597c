package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.cluster.FleetEngine;
import dev.reliability.core.policy.Policy;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.metrics.ReliabilityMetrics;
import dev.reliability.monitoring.MonitoringDeclaration;
import dev.reliability.reactor.PolicyOperator;
import dev.reliability.spring.boot.autoconfigure.SpringConfigSource;
import dev.reliability.tracing.ServiceTracing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every library jar is an explicit module that exports its API packages and no {@code internal}
 * package, except by name to its sibling modules. The consumer project in {@code
 * reliability-core/src/it/jpms-consumer} shows the same boundary from an application's side.
 *
 * <p>The Spring Boot auto-configuration is the exception: a Spring Boot application runs on the
 * class path, as Spring's own jars do, so it is an automatic module with a stable {@code
 * Automatic-Module-Name} named after its root package and no {@code module-info}; ArchUnit's {@code
 * internalPackagesStayInside} keeps its {@code internal} packages to itself.
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
        FleetEngine.class,
        PolicyOperator.class);
  }

  /** One class of each Spring Boot module that has classes (the starter has none). */
  static Stream<Class<?>> automaticModules() {
    return Stream.of(SpringConfigSource.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("automaticModules")
  void springModulesAreAutomaticModulesNamedAfterTheirRootPackage(Class<?> anchor)
      throws IOException {
    Path location = locationOf(anchor);
    String name;
    if (Files.isDirectory(location)) {
      // Before packaging: no module-info, and the name the jar plugin writes into the manifest.
      assertThat(location.resolve("module-info.class")).doesNotExist();
      name = moduleNameProperty(location.resolve("../../pom.xml").normalize());
    } else {
      ModuleReference module = moduleOf(anchor);
      assertThat(module.descriptor().isAutomatic()).isTrue();
      name = module.descriptor().name();
      try (JarFile jar = new JarFile(location.toFile())) {
        assertThat(jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
            .isEqualTo(name);
      }
    }
    assertThat(name).isEqualTo("dev.reliability.spring.boot.autoconfigure");
    assertThat(anchor.getPackageName()).isEqualTo(name);
  }

  private static String moduleNameProperty(Path pom) throws IOException {
    Matcher m =
        Pattern.compile("<module\\.name>([a-z.]{1,200})</module\\.name>")
            .matcher(Files.readString(pom));
    assertThat(m.find()).as("module.name in " + pom).isTrue();
    return m.group(1);
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

  private static Path locationOf(Class<?> anchor) {
    try {
      return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ModuleReference moduleOf(Class<?> anchor) {
    Path location = locationOf(anchor);
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
