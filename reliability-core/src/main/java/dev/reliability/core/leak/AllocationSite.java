package dev.reliability.core.leak;

import dev.reliability.core.internal.Checks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where sampled long-lived objects were allocated: the first application frame of their allocation
 * stack, with how many samples it holds and of which types. Immutable (the lists are copied) and
 * thread-safe.
 *
 * @param frame the allocating frame, such as {@code
 *     com.example.SessionStore.open(SessionStore.java: 42)}
 * @param samples how many old-object samples were allocated there
 * @param objectTypes the sampled objects' types, most frequent first
 * @param stack the stack from the allocating frame outwards, a few frames deep
 * @param rootTypes how the samples were reachable, such as {@code Class Static Variable}, when JFR
 *     found paths to GC roots within its cutoff; most frequent first
 */
public record AllocationSite(
    String frame,
    int samples,
    List<String> objectTypes,
    List<String> stack,
    List<String> rootTypes) {

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if any component is null
   */
  public AllocationSite {
    Checks.notNull("frame", frame);
    objectTypes = List.copyOf(objectTypes);
    stack = List.copyOf(stack);
    rootTypes = List.copyOf(rootTypes);
  }

  /**
   * Returns this site as a JSON-ready map with snake_case keys.
   *
   * @return an ordered, unmodifiable map
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("frame", frame);
    m.put("samples", samples);
    m.put("object_types", objectTypes);
    m.put("stack", stack);
    m.put("root_types", rootTypes);
    return Collections.unmodifiableMap(m);
  }
}
