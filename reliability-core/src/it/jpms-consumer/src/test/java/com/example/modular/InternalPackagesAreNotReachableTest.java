package com.example.modular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.ModuleReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InternalPackagesAreNotReachableTest {

  private static final Module CORE =
      ModuleLayer.boot().findModule("dev.reliability.core").orElseThrow();
  private static final Module APP = Quotes.class.getModule();

  @Test
  void coreAndTheApplicationAreNamedModules() {
    assertTrue(CORE.isNamed(), "core must be on the module path");
    assertEquals("com.example.modular", APP.getName());
    assertTrue(APP.canRead(CORE));
  }

  @Test
  void theApplicationRunsACallThroughThePublicApi() {
    try (Quotes quotes = new Quotes()) {
      assertEquals("42", quotes.fetch(() -> "42"));
    }
  }

  @Test
  void onlyApiPackagesAreExported() {
    List<String> internal = internalPackages();
    assertFalse(internal.isEmpty(), "core has internal packages");
    for (String pkg : internal) {
      assertFalse(CORE.isExported(pkg, APP), pkg + " must not be exported to applications");
      assertFalse(CORE.isOpen(pkg, APP), pkg + " must not be open to applications");
    }
    for (String pkg : CORE.getPackages()) {
      if (!internal.contains(pkg)) {
        assertTrue(CORE.isExported(pkg, APP), pkg + " is API and must be exported");
      }
    }
  }

  @Test
  void reflectionCannotInstantiateAnyInternalClass() throws Exception {
    int constructors = 0;
    for (String name : internalClasses()) {
      Constructor<?>[] declared;
      try {
        // Loading works: encapsulation is about access, not visibility.
        declared = Class.forName(name, false, CORE.getClassLoader()).getDeclaredConstructors();
      } catch (LinkageError optionalLibraryAbsent) {
        // An adapter naming a container this application does not have.
        continue;
      }
      for (Constructor<?> constructor : declared) {
        constructors++;
        Object[] args = new Object[constructor.getParameterCount()];
        // The access check comes before any argument check.
        assertThrows(
            IllegalAccessException.class, () -> constructor.newInstance(args), name);
        assertThrows(
            InaccessibleObjectException.class, () -> constructor.setAccessible(true), name);
      }
    }
    assertNotEquals(0, constructors, "internal classes with constructors were tried");
  }

  @Test
  void javacRefusesASourceThatImportsAnInternalPackage(@TempDir Path dir) throws Exception {
    String internalType =
        internalClasses().stream()
            .filter(this::isPublicTopLevel)
            .findFirst()
            .orElseThrow();
    Path src = dir.resolve("src");
    write(src.resolve("module-info.java"), "module probe { requires dev.reliability.core; }");
    write(
        src.resolve("probe/UsesApi.java"),
        "package probe; import dev.reliability.core.policy.Policy; class UsesApi { Policy p; }");
    write(
        src.resolve("probe/UsesInternal.java"),
        "package probe; import " + internalType + "; class UsesInternal {}");

    Process javac =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "--module-path",
                System.getProperty("jdk.module.path"),
                "-d",
                dir.resolve("out").toString(),
                src.resolve("module-info.java").toString(),
                src.resolve("probe/UsesApi.java").toString(),
                src.resolve("probe/UsesInternal.java").toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(javac.waitFor(60, TimeUnit.SECONDS), "javac finished");

    assertNotEquals(0, javac.exitValue(), output);
    assertTrue(output.contains("UsesInternal.java"), output);
    assertTrue(output.contains("is not visible"), output);
    assertFalse(output.contains("UsesApi.java"), "the API import compiles: " + output);
  }

  private static List<String> internalPackages() {
    return CORE.getPackages().stream()
        .filter(p -> p.endsWith(".internal") || p.contains(".internal."))
        .sorted()
        .collect(Collectors.toList());
  }

  private static List<String> internalClasses() throws IOException {
    List<String> internal = internalPackages();
    List<String> names = new ArrayList<>();
    try (ModuleReader reader =
        ModuleLayer.boot()
            .configuration()
            .findModule(CORE.getName())
            .orElseThrow()
            .reference()
            .open()) {
      reader
          .list()
          .filter(e -> e.endsWith(".class") && !e.endsWith("module-info.class"))
          .map(e -> e.substring(0, e.length() - ".class".length()).replace('/', '.'))
          .filter(n -> internal.contains(n.substring(0, n.lastIndexOf('.'))))
          .sorted()
          .forEach(names::add);
    }
    assertFalse(names.isEmpty(), "core has internal classes");
    return names;
  }

  private boolean isPublicTopLevel(String name) {
    try {
      Class<?> type = Class.forName(name, false, CORE.getClassLoader());
      return Modifier.isPublic(type.getModifiers()) && type.getEnclosingClass() == null;
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    } catch (LinkageError optionalLibraryAbsent) {
      return false;
    }
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
