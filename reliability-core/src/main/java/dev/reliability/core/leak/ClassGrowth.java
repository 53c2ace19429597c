package dev.reliability.core.leak;

import dev.reliability.core.internal.Checks;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one class's live instances changed between two {@linkplain ClassHistogram class histograms}.
 * Immutable and thread-safe.
 *
 * @param className the class name as the JVM prints it, such as {@code [B} for byte arrays
 * @param instancesBefore instances in the older histogram
 * @param instancesAfter instances in the newer histogram
 * @param bytesBefore shallow bytes in the older histogram
 * @param bytesAfter shallow bytes in the newer histogram
 */
public record ClassGrowth(
    String className,
    long instancesBefore,
    long instancesAfter,
    long bytesBefore,
    long bytesAfter) {

  /** By byte growth, then instance growth, largest first; then by name. */
  static final Comparator<ClassGrowth> LARGEST_FIRST =
      Comparator.comparingLong(ClassGrowth::byteGrowth)
          .thenComparingLong(ClassGrowth::instanceGrowth)
          .reversed()
          .thenComparing(ClassGrowth::className);

  /**
   * Validates the components.
   *
   * @throws NullPointerException if {@code className} is null
   */
  public ClassGrowth {
    Checks.notNull("className", className);
  }

  /**
   * Returns the change in instances.
   *
   * @return after minus before
   */
  public long instanceGrowth() {
    return instancesAfter - instancesBefore;
  }

  /**
   * Returns the change in shallow bytes.
   *
   * @return after minus before
   */
  public long byteGrowth() {
    return bytesAfter - bytesBefore;
  }

  /**
   * Returns this growth as a JSON-ready map with snake_case keys.
   *
   * @return an ordered map
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("class_name", className);
    m.put("instance_growth", instanceGrowth());
    m.put("byte_growth", byteGrowth());
    m.put("instances", instancesAfter);
    m.put("bytes", bytesAfter);
    return java.util.Collections.unmodifiableMap(m);
  }
}
