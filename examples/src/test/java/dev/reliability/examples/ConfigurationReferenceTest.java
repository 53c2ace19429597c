package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.Setting;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Generates the configuration reference from the code and fails when {@code
 * docs/configuration-reference.md} differs. A component takes part by declaring {@code public
 * static final String CONFIG_PREFIX} and {@code public static final List<Setting<?>> SETTINGS} (and
 * {@code CONFIG_PER_INSTANCE = true} when its settings can be set per named instance).
 *
 * <p>Regenerate with {@code mvn -B verify -pl examples -am -Dreliability.docs.update=true}.
 */
class ConfigurationReferenceTest {

  private static final Path REFERENCE =
      Path.of("..").toAbsolutePath().normalize().resolve("docs/configuration-reference.md");

  @Test
  void referenceMatchesTheCode() throws IOException {
    String generated = generate();
    if (Boolean.getBoolean("reliability.docs.update")) {
      Files.writeString(REFERENCE, generated, StandardCharsets.UTF_8);
    }
    String committed =
        Files.exists(REFERENCE) ? Files.readString(REFERENCE, StandardCharsets.UTF_8) : "";
    assertThat(committed)
        .as(
            "docs/configuration-reference.md is out of date; regenerate it with -Dreliability.docs.update=true")
        .isEqualTo(generated);
  }

  @Test
  void findsTheComponents() {
    assertThat(components()).extracting(c -> c.prefix).contains("reliability.errors");
  }

  static String generate() {
    StringBuilder md = new StringBuilder();
    md.append("# Configuration reference\n\n")
        .append("Generated from the code by `ConfigurationReferenceTest`; do not edit by hand.\n")
        .append("How names, precedence and value forms work: [configuration](configuration.md).\n")
        .append(
            "`<name>` stands for an instance name (a policy, a registry, ...): the same setting\n")
        .append("without it applies to every instance.\n");
    for (Component c : components()) {
      md.append("\n## `").append(c.prefix).append("`\n\n");
      md.append("Declared by `").append(c.type.getName()).append("`.\n\n");
      md.append("| key | environment variable | type | default | allowed | description |\n");
      md.append("| --- | --- | --- | --- | --- | --- |\n");
      for (Setting<?> s : c.settings) {
        String key = c.prefix + (c.perInstance ? ".[<name>.]" : ".") + s.name();
        String env = ConfigSource.environmentVariableName(c.prefix + "." + s.name());
        if (c.perInstance) {
          env =
              env.substring(0, c.prefix.length() + 1)
                  + "[<NAME>_]"
                  + env.substring(c.prefix.length() + 1);
        }
        md.append("| `")
            .append(key)
            .append("` | `")
            .append(env)
            .append("` | ")
            .append(s.type())
            .append(" | ")
            .append(
                s.defaultValue()
                    .map(ConfigurationReferenceTest::format)
                    .map(v -> "`" + v + "`")
                    .orElse("required"))
            .append(" | ")
            .append(cell(s.rule()))
            .append(" | ")
            .append(cell(s.description()))
            .append(" |\n");
      }
    }
    return md.toString();
  }

  private static String format(Object v) {
    if (v instanceof Duration d) {
      return dev.reliability.core.internal.DurationText.format(d);
    }
    if (v instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
    return String.valueOf(v);
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  record Component(String prefix, Class<?> type, List<Setting<?>> settings, boolean perInstance) {}

  static List<Component> components() {
    List<Component> found = new ArrayList<>();
    for (JavaClass jc :
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.reliability")) {
      if (!jc.getFields().stream().anyMatch(f -> f.getName().equals("SETTINGS"))
          || jc.getFields().stream().noneMatch(f -> f.getName().equals("CONFIG_PREFIX"))) {
        continue;
      }
      try {
        Class<?> type = Class.forName(jc.getName());
        String prefix = (String) staticField(type, "CONFIG_PREFIX");
        @SuppressWarnings("unchecked")
        List<Setting<?>> settings = (List<Setting<?>>) staticField(type, "SETTINGS");
        Object perInstance =
            hasField(type, "CONFIG_PER_INSTANCE")
                ? staticField(type, "CONFIG_PER_INSTANCE")
                : Boolean.FALSE;
        found.add(new Component(prefix, type, settings, (Boolean) perInstance));
      } catch (ReflectiveOperationException e) {
        throw new AssertionError("cannot read the settings of " + jc.getName(), e);
      }
    }
    found.sort(Comparator.comparing(Component::prefix).thenComparing(c -> c.type.getName()));
    return found;
  }

  private static boolean hasField(Class<?> type, String name) {
    try {
      type.getField(name);
      return true;
    } catch (NoSuchFieldException e) {
      return false;
    }
  }

  private static Object staticField(Class<?> type, String name)
      throws ReflectiveOperationException {
    Field f = type.getField(name);
    if (!Modifier.isStatic(f.getModifiers())) {
      throw new NoSuchFieldException(type.getName() + "." + name + " is not static");
    }
    return f.get(null);
  }
}
