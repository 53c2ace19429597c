package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.PolicyConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The settings that differ between two configurations of a policy, as short texts such as {@code
 * circuitbreaker.failureRateThreshold=50% -> 20%}, for the {@code policy_reconfigured} log event.
 * Read from the components' descriptions ({@code toString}), which list each setting as {@code
 * name=value}; a component added or removed is one entry.
 *
 * <p>Internal: may change at any time.
 */
public final class ConfigChanges {

  private ConfigChanges() {}

  /**
   * Lists the settings that differ.
   *
   * @param before the configuration replaced
   * @param after the new configuration
   * @return one text per changed setting, in the components' order; empty if none changed
   */
  public static List<String> between(PolicyConfig before, PolicyConfig after) {
    List<String> out = new ArrayList<>();
    add(out, "circuitbreaker", before, after, PolicyConfig::circuitBreaker);
    add(out, "retry", before, after, PolicyConfig::retry);
    add(out, "ratelimiter", before, after, PolicyConfig::rateLimiter);
    add(out, "bulkhead", before, after, PolicyConfig::bulkhead);
    add(out, "timelimiter", before, after, PolicyConfig::timeLimiter);
    add(out, "adaptivelimit", before, after, PolicyConfig::adaptiveLimit);
    add(out, "hedge", before, after, PolicyConfig::hedge);
    add(out, "throttle", before, after, PolicyConfig::throttle);
    return out;
  }

  /**
   * Logs the {@code policy_reconfigured} event, with the changed settings in its {@code changes}
   * field.
   *
   * @param policy the policy's name
   * @param changes the changed settings, from {@link #between}
   */
  public static void log(String policy, List<String> changes) {
    EventLog.reconfigured(policy, changes);
  }

  private static void add(
      List<String> out,
      String component,
      PolicyConfig before,
      PolicyConfig after,
      Function<PolicyConfig, Optional<?>> get) {
    Object a = get.apply(before).orElse(null);
    Object b = get.apply(after).orElse(null);
    if (a == null && b == null) {
      return;
    }
    if (a == null || b == null) {
      out.add(component + (a == null ? " added" : " removed"));
      return;
    }
    Map<String, String> x = settings(a.toString());
    Map<String, String> y = settings(b.toString());
    if (x.isEmpty() || y.isEmpty()) {
      if (!a.toString().equals(b.toString())) {
        out.add(component + "=" + a + " -> " + b);
      }
      return;
    }
    for (Map.Entry<String, String> e : y.entrySet()) {
      String old = x.get(e.getKey());
      if (!e.getValue().equals(old)) {
        out.add(
            component + "." + e.getKey() + "=" + (old == null ? "-" : old) + " -> " + e.getValue());
      }
    }
    for (String k : x.keySet()) {
      if (!y.containsKey(k)) {
        out.add(component + "." + k + "=" + x.get(k) + " -> -");
      }
    }
  }

  /**
   * Splits {@code Name[a=1, b=Inner[c=2, d=3], e=4]} into its top-level settings; an empty map if
   * the text has another form. Linear in the text's length.
   */
  static Map<String, String> settings(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    int open = text.indexOf('[');
    if (open < 0 || !text.endsWith("]")) {
      return out;
    }
    int depth = 0;
    int from = open + 1;
    int end = text.length() - 1;
    for (int i = from; i <= end; i++) {
      char c = i == end ? ',' : text.charAt(i);
      if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        depth--;
      } else if (c == ',' && depth == 0) {
        String part = text.substring(from, i).trim();
        int eq = part.indexOf('=');
        if (eq > 0) {
          out.put(part.substring(0, eq), part.substring(eq + 1));
        }
        from = i + 1;
      }
    }
    return out;
  }
}
