package dev.reliability.spring.boot.autoconfigure.policy.internal;

import dev.reliability.core.config.Setting;
import dev.reliability.core.policy.KeyedPolicyConfig;
import dev.reliability.core.policy.PolicyConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The two spellings of a policy's settings and the way between them: the canonical key {@code
 * reliability.<component>.<name>.<setting>} (what the core reads) and the application.yml form
 * {@code reliability.policies.<name>.<component>.<setting>} (and {@code reliability.keyed-policies.
 * <name>.*}, {@code reliability.templates.<name>.*}).
 *
 * <p>Only string operations on bounded text, no regular expression: a name longer than {@link
 * #MAX_NAME_LENGTH} is refused after one length check, whatever it holds.
 *
 * <p>Internal: may change at any time. Stateless and thread-safe.
 */
public final class PolicyKeys {

  /** Where policies are declared. */
  public static final String POLICIES = "reliability.policies";

  /** Where keyed policies are declared. */
  public static final String KEYED_POLICIES = "reliability.keyed-policies";

  /** Where templates are declared. */
  public static final String TEMPLATES = "reliability.templates";

  /** The key under a policy or keyed policy that names its template. */
  public static final String TEMPLATE = "template";

  /** The longest policy, keyed policy or template name accepted. */
  public static final int MAX_NAME_LENGTH = 128;

  /** The rule a name must follow, for messages. */
  public static final String NAME_RULE =
      "1 to " + MAX_NAME_LENGTH + " letters, digits, '-' and '_', starting with a letter or digit";

  private static final String ROOT = "reliability.";

  /** Component name (circuitbreaker, retry, ...) to its settings, in the core's order. */
  private static final Map<String, List<Setting<?>>> COMPONENTS = readComponents();

  private PolicyKeys() {}

  private static Map<String, List<Setting<?>>> readComponents() {
    Map<String, List<Setting<?>>> map = new LinkedHashMap<>();
    PolicyConfig.SETTINGS.forEach(
        (prefix, settings) -> map.put(prefix.substring(ROOT.length()), settings));
    return Collections.unmodifiableMap(map);
  }

  /**
   * Returns the components a policy can have and their settings, by component name ({@code
   * circuitbreaker}, {@code retry}, {@code adaptive-limit}, ...), from {@link
   * PolicyConfig#SETTINGS}.
   *
   * @return the components
   */
  public static Map<String, List<Setting<?>>> components() {
    return COMPONENTS;
  }

  /**
   * Returns whether a text is a valid policy, keyed policy or template name: {@link #NAME_RULE}.
   *
   * @param name the text, may be null
   * @return whether it is a valid name
   */
  public static boolean isValidName(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '-' && c != '_'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns a name as it may be shown in a message: at most 64 characters, the rest counted.
   *
   * @param name the name
   * @return the text to show
   */
  public static String shown(String name) {
    return shown(name, 64);
  }

  /**
   * Returns a text as it may be shown in a message: at most {@code max} characters, the rest
   * counted.
   *
   * @param text the text
   * @param max the most characters shown
   * @return the text to show
   */
  public static String shown(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    return text.substring(0, max) + "... (" + text.length() + " characters)";
  }

  /**
   * Returns the application.yml forms of a canonical per-policy key, most specific first: for
   * {@code reliability.retry.quote-backend.max-retries}, {@code
   * reliability.policies.quote-backend.retry.max-retries} then {@code
   * reliability.keyed-policies.quote-backend.retry.max-retries}; for {@code
   * reliability.keyed.per-host.max-keys}, {@code reliability.keyed-policies.per-host.max-keys}.
   * Empty for any other key (a shared key such as {@code reliability.retry.max-retries}, another
   * component's key, an invalid name).
   *
   * @param key the canonical key
   * @return the forms, possibly empty
   */
  public static List<String> declaredForms(String key) {
    if (key == null || !key.startsWith(ROOT)) {
      return List.of();
    }
    int componentEnd = key.indexOf('.', ROOT.length());
    if (componentEnd < 0) {
      return List.of();
    }
    String component = key.substring(ROOT.length(), componentEnd);
    boolean keyed = component.equals("keyed");
    if (!keyed && !COMPONENTS.containsKey(component)) {
      return List.of();
    }
    int nameEnd = key.indexOf('.', componentEnd + 1);
    if (nameEnd < 0 || key.indexOf('.', nameEnd + 1) >= 0) {
      return List.of();
    }
    String name = key.substring(componentEnd + 1, nameEnd);
    String setting = key.substring(nameEnd + 1);
    if (!isValidName(name) || setting.isEmpty()) {
      return List.of();
    }
    if (keyed) {
      return List.of(KEYED_POLICIES + "." + name + "." + setting);
    }
    return List.of(
        POLICIES + "." + name + "." + component + "." + setting,
        KEYED_POLICIES + "." + name + "." + component + "." + setting);
  }

  /**
   * Returns the template form of a canonical per-policy key read for a template: for template
   * {@code standard}, {@code reliability.retry.standard.max-retries} reads {@code
   * reliability.templates.standard.retry.max-retries}. Empty for any other key.
   *
   * @param key the canonical key
   * @param template the template's name
   * @return the template's key, or empty
   */
  public static Optional<String> templateForm(String key, String template) {
    for (String form : declaredForms(key)) {
      String prefix = POLICIES + "." + template + ".";
      if (form.startsWith(prefix)) {
        return Optional.of(TEMPLATES + "." + template + "." + form.substring(prefix.length()));
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the canonical key of a component's setting for a policy: {@code
   * reliability.<component>.<name>.<setting>}.
   *
   * @param component the component's name, such as {@code retry}
   * @param name the policy's name
   * @param setting the setting's name
   * @return the key
   */
  public static String canonical(String component, String name, String setting) {
    return ROOT + component + "." + name + "." + setting;
  }

  /**
   * Returns the names of a keyed policy's bounds ({@code max-keys}, ...), from {@link
   * KeyedPolicyConfig#SETTINGS}.
   *
   * @return the setting names
   */
  public static List<String> keyedBounds() {
    List<String> names = new ArrayList<>();
    for (Setting<?> s : KeyedPolicyConfig.SETTINGS) {
      names.add(s.name());
    }
    return names;
  }
}
