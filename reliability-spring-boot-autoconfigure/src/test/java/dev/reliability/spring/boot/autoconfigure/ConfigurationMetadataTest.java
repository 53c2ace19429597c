package dev.reliability.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.DurationText;
import dev.reliability.spring.boot.autoconfigure.policy.internal.PolicyKeys;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepository;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Generates {@code META-INF/spring-configuration-metadata.json}, which IDEs read to complete and
 * document {@code reliability.*} in application.yml, from the code, and fails when the checked-in
 * file differs. The settings come from the same place as {@code docs/configuration-reference.md}:
 * every class of the library on the class path that declares {@code CONFIG_PREFIX} and {@code
 * SETTINGS} (and {@code CONFIG_PER_INSTANCE}); the Spring-only switches from the
 * {@code @ConditionalOnProperty} of the auto-configurations listed in {@code
 * AutoConfiguration.imports}; plus the policy forms ({@code reliability.policies}, {@code
 * reliability.keyed-policies}, {@code reliability.templates}).
 *
 * <p>Regenerate with {@code mvn -B -o -pl reliability-spring-boot-autoconfigure -am test
 * -Dtest=ConfigurationMetadataTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dreliability.docs.update=true}.
 */
class ConfigurationMetadataTest {

  private static final Path FILE =
      Path.of("src/main/resources/META-INF/spring-configuration-metadata.json");

  private static final String REGENERATE =
      "mvn -B -o -pl reliability-spring-boot-autoconfigure -am test"
          + " -Dtest=ConfigurationMetadataTest -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dreliability.docs.update=true";

  @Test
  void checkedInMetadataMatchesTheSettings() throws IOException {
    String generated = generate();
    if (Boolean.getBoolean("reliability.docs.update")) {
      Files.writeString(FILE, generated, StandardCharsets.UTF_8);
    }
    String committed = Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "";
    assertThat(committed)
        .as(FILE + " is out of date with the code's settings; regenerate it with: " + REGENERATE)
        .isEqualTo(generated);
  }

  @Test
  void springsMetadataReaderReadsEverySettingWithItsTypeAndDefault() throws IOException {
    ConfigurationMetadataRepository repository;
    try (InputStream in = Files.newInputStream(FILE)) {
      repository = ConfigurationMetadataRepositoryJsonBuilder.create(in).build();
    }
    Map<String, ConfigurationMetadataProperty> all = repository.getAllProperties();
    assertThat(all.get("reliability.circuitbreaker.failure-threshold"))
        .satisfies(
            p -> {
              assertThat(p.getType()).isEqualTo("java.lang.Integer");
              assertThat(p.getDefaultValue()).isEqualTo(5);
              assertThat(p.getDescription())
                  .contains("reliability.policies.<name>.circuitbreaker.failure-threshold");
            });
    assertThat(all.get("reliability.circuitbreaker.wait-in-open").getType())
        .isEqualTo("java.time.Duration");
    assertThat(all.get("reliability.retry.backoff").getHints().getValueHints()).isNotEmpty();
    assertThat(all)
        .containsKeys(
            "reliability.policies",
            "reliability.keyed-policies",
            "reliability.templates",
            "reliability.policy.enabled",
            "reliability.guarded.enabled",
            "reliability.web.request-id.enabled",
            "reliability.keyed.max-keys",
            "reliability.health.check-timeout");
    assertThat(all.get("reliability.guarded.enabled").getDefaultValue()).isEqualTo(true);
    assertThat(repository.getAllGroups()).containsKey("reliability.circuitbreaker");
  }

  record Component(String prefix, Class<?> type, List<Setting<?>> settings, boolean perInstance) {}

  static String generate() throws IOException {
    Map<String, Object> groups = new TreeMap<>();
    Map<String, Map<String, Object>> properties = new TreeMap<>();
    Map<String, Map<String, Object>> hints = new TreeMap<>();
    for (Component c : components()) {
      Map<String, Object> group = new LinkedHashMap<>();
      group.put("name", c.prefix());
      group.put("sourceType", c.type().getName());
      groups.putIfAbsent(c.prefix(), group);
      String component = c.prefix().substring("reliability.".length());
      for (Setting<?> s : c.settings()) {
        String key = c.prefix() + "." + s.name();
        if (properties.containsKey(key)) {
          continue;
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", key);
        p.put("type", javaType(s));
        StringBuilder description = new StringBuilder(s.description().strip());
        if (!description.toString().endsWith(".")) {
          description.append('.');
        }
        description.append(" Must be ").append(s.rule()).append('.');
        if (c.perInstance()) {
          description
              .append(" For one instance: ")
              .append(c.prefix())
              .append(".<name>.")
              .append(s.name());
          if (PolicyKeys.components().containsKey(component)) {
            description
                .append(", or in application.yml reliability.policies.<name>.")
                .append(component)
                .append('.')
                .append(s.name());
          } else if (component.equals("keyed")) {
            description.append(", or reliability.keyed-policies.<name>.").append(s.name());
          }
          description.append('.');
        }
        p.put("description", description.toString());
        p.put("sourceType", c.type().getName());
        s.defaultValue().ifPresent(v -> p.put("defaultValue", jsonValue(v)));
        properties.put(key, p);
        s.defaultValue()
            .filter(v -> v instanceof Enum<?>)
            .ifPresent(v -> hints.put(key, enumHint(key, ((Enum<?>) v).getDeclaringClass())));
      }
    }
    policyForms(properties);
    switches(properties);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("groups", new ArrayList<>(groups.values()));
    root.put("properties", new ArrayList<>(properties.values()));
    root.put("hints", new ArrayList<>(hints.values()));
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
    return new ObjectMapper().writer(printer).writeValueAsString(root) + "\n";
  }

  private static void policyForms(Map<String, Map<String, Object>> properties) {
    String components = String.join(", ", PolicyKeys.components().keySet());
    form(
        properties,
        PolicyKeys.POLICIES,
        "Policies by name, each a Policy bean of that name: <name>.template (optional) names a"
            + " template, <name>.<component>.<setting> sets a component, for the components "
            + components
            + " and the settings of reliability.<component>. A component block turns the"
            + " component on.");
    form(
        properties,
        PolicyKeys.KEYED_POLICIES,
        "Keyed policies by name, each a KeyedPolicy bean of that name: <name>.template, the bounds"
            + " <name>.max-keys and the other settings of reliability.keyed, and"
            + " <name>.<component>.<setting> as for reliability.policies.");
    form(
        properties,
        PolicyKeys.TEMPLATES,
        "Templates by name, named by reliability.policies.<name>.template: <name>.<component>."
            + "<setting> as for a policy; a template has the components it names.");
  }

  private static void form(
      Map<String, Map<String, Object>> properties, String name, String description) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", name);
    p.put(
        "type", "java.util.Map<java.lang.String,java.util.Map<java.lang.String,java.lang.Object>>");
    p.put("description", description);
    properties.put(name, p);
  }

  /** The Spring-only switches: each @ConditionalOnProperty of the listed auto-configurations. */
  private static void switches(Map<String, Map<String, Object>> properties) throws IOException {
    Resource imports =
        new PathMatchingResourcePatternResolver()
            .getResource(
                "classpath:META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
    for (String line : imports.getContentAsString(StandardCharsets.UTF_8).split("\n")) {
      String className = line.strip();
      if (className.isEmpty() || className.startsWith("#")) {
        continue;
      }
      Class<?> type;
      try {
        type = Class.forName(className);
      } catch (ClassNotFoundException e) {
        throw new AssertionError("AutoConfiguration.imports lists a missing class", e);
      }
      addSwitches(type, properties);
    }
  }

  /** Switches on the class, its @Bean methods and its nested classes. */
  private static void addSwitches(Class<?> type, Map<String, Map<String, Object>> properties) {
    List<java.lang.reflect.AnnotatedElement> elements = new ArrayList<>();
    elements.add(type);
    List<java.lang.reflect.Method> methods = new ArrayList<>(List.of(type.getDeclaredMethods()));
    methods.sort(Comparator.comparing(java.lang.reflect.Method::getName));
    elements.addAll(methods);
    for (java.lang.reflect.AnnotatedElement element : elements) {
      MergedAnnotations.from(element).stream()
          .filter(
              a ->
                  a.getType().equals(ConditionalOnProperty.class)
                      || a.getType().equals(ConditionalOnBooleanProperty.class))
          .forEach(a -> addSwitch(type, a, properties));
    }
    List<Class<?>> nested = new ArrayList<>(List.of(type.getDeclaredClasses()));
    nested.sort(Comparator.comparing(Class::getName));
    for (Class<?> n : nested) {
      addSwitches(n, properties);
    }
  }

  private static void addSwitch(
      Class<?> type, MergedAnnotation<?> condition, Map<String, Map<String, Object>> properties) {
    String[] names = condition.getStringArray("name");
    if (names.length == 0) {
      names = condition.getStringArray("value");
    }
    String prefix = condition.getString("prefix");
    for (String n : names) {
      String key = prefix.isEmpty() ? n : prefix + "." + n;
      if (!key.endsWith(".enabled") || properties.containsKey(key)) {
        continue;
      }
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", key);
      p.put("type", "java.lang.Boolean");
      p.put(
          "description",
          "Switches "
              + type.getName().substring(type.getPackageName().length() + 1).replace('$', '.')
              + " (Spring Boot auto-configuration) on or off; see docs/spring-boot.md.");
      p.put("sourceType", type.getName());
      p.put("defaultValue", condition.getBoolean("matchIfMissing"));
      properties.put(key, p);
    }
  }

  private static String javaType(Setting<?> s) {
    Object d = s.defaultValue().orElse(null);
    return switch (s.type()) {
      case "integer" -> d instanceof Long ? "java.lang.Long" : "java.lang.Integer";
      case "number" -> "java.lang.Double";
      case "boolean" -> "java.lang.Boolean";
      case "duration" -> "java.time.Duration";
      default -> "java.lang.String";
    };
  }

  private static Object jsonValue(Object v) {
    if (v instanceof Duration d) {
      return DurationText.format(d);
    }
    if (v instanceof Enum<?> e) {
      return enumText(e);
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v;
    }
    return String.valueOf(v);
  }

  private static String enumText(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static Map<String, Object> enumHint(String key, Class<?> type) {
    List<Map<String, Object>> values = new ArrayList<>();
    for (Object constant : type.getEnumConstants()) {
      values.add(Map.of("value", enumText((Enum<?>) constant)));
    }
    Map<String, Object> hint = new LinkedHashMap<>();
    hint.put("name", key);
    hint.put("values", values);
    return hint;
  }

  /** Every class of the library that declares CONFIG_PREFIX and SETTINGS, as the reference. */
  static List<Component> components() throws IOException {
    List<Component> found = new ArrayList<>();
    ClassLoader loader = ConfigurationMetadataTest.class.getClassLoader();
    for (Resource r :
        new PathMatchingResourcePatternResolver(loader)
            .getResources("classpath*:dev/reliability/**/*.class")) {
      String url = r.getURL().toString();
      if (url.contains("/test-classes/") || url.contains("-tests.jar")) {
        continue;
      }
      int start = url.indexOf("dev/reliability/");
      String className = url.substring(start, url.length() - ".class".length()).replace('/', '.');
      if (className.contains("$") || className.endsWith("package-info")) {
        continue;
      }
      Class<?> type;
      try {
        type = Class.forName(className, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        continue; // an optional dependency of that class is missing
      }
      Object prefix = staticField(type, "CONFIG_PREFIX");
      Object settings = staticField(type, "SETTINGS");
      if (!(prefix instanceof String p) || !(settings instanceof List<?> list)) {
        continue;
      }
      @SuppressWarnings("unchecked")
      List<Setting<?>> typed = (List<Setting<?>>) list;
      found.add(
          new Component(
              p, type, typed, Boolean.TRUE.equals(staticField(type, "CONFIG_PER_INSTANCE"))));
    }
    found.sort(Comparator.comparing(Component::prefix).thenComparing(c -> c.type().getName()));
    return found;
  }

  private static Object staticField(Class<?> type, String name) {
    try {
      Field f = type.getField(name);
      return Modifier.isStatic(f.getModifiers()) ? f.get(null) : null;
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }
}
