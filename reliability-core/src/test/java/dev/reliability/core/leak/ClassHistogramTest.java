package dev.reliability.core.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassHistogramTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");

  static final String JDK17 =
      String.join(
          "\n",
          " num     #instances         #bytes  class name (module)",
          "-------------------------------------------------------",
          "   1:         20591        1649240  [B (java.base@17.0.15)",
          "   2:          4380         525616  java.lang.Class (java.base@17.0.15)",
          "   3:        200000        3200000  com.example.Session",
          "   4:            10            320  com.example.Session",
          " 104:           136           2176  jdk.proxy1.$Proxy5 (jdk.proxy1)",
          "Total        225117        5377352",
          "");

  @Test
  void parsesTheJdkFormatDroppingModulesAndSummingLoaders() {
    ClassHistogram h = ClassHistogram.parse(JDK17, T0);

    assertThat(h.entries()).hasSize(5);
    assertThat(h.entries().get(0)).isEqualTo(new ClassHistogram.Entry("[B", 20591, 1649240));
    assertThat(h.entry("com.example.Session"))
        .contains(new ClassHistogram.Entry("com.example.Session", 200010, 3200320));
    assertThat(h.entry("jdk.proxy1.$Proxy5")).isPresent();
    assertThat(h.entry("java.util.HashMap")).isEmpty();
    assertThat(h.totalInstances()).isEqualTo(225_117);
    assertThat(h.totalBytes()).isEqualTo(5_377_352);
    assertThat(h.time()).isEqualTo(T0);
  }

  @Test
  void skipsLinesOfOtherShapes() {
    ClassHistogram h =
        ClassHistogram.parse("garbage\n1: x y z\n  2:  10  abc  Foo\n 3: 5 40 Bar\n:\n", T0);

    assertThat(h.entries()).containsExactly(new ClassHistogram.Entry("Bar", 5, 40));
  }

  @Test
  void growthListsTheClassesThatGrewMostByBytes() {
    ClassHistogram before =
        ClassHistogram.of(
            T0,
            List.of(
                new ClassHistogram.Entry("[B", 1000, 100_000),
                new ClassHistogram.Entry("com.example.Session", 10, 320),
                new ClassHistogram.Entry("java.lang.String", 500, 12_000)));
    ClassHistogram after =
        ClassHistogram.of(
            T1,
            List.of(
                new ClassHistogram.Entry("[B", 21000, 2_100_000),
                new ClassHistogram.Entry("com.example.Session", 20010, 640_320),
                new ClassHistogram.Entry("java.lang.String", 400, 9_600),
                new ClassHistogram.Entry("com.example.New", 1, 16)));

    LeakSuspects suspects = after.growthSince(before, 2);

    assertThat(suspects.classes())
        .extracting(ClassGrowth::className)
        .containsExactly("[B", "com.example.Session");
    ClassGrowth session = suspects.classes().get(1);
    assertThat(session.instanceGrowth()).isEqualTo(20_000);
    assertThat(session.byteGrowth()).isEqualTo(640_000);
    assertThat(suspects.byteGrowth()).isEqualTo(2_637_616);
    assertThat(suspects.instanceGrowth()).isEqualTo(40_001 - 100);
    assertThat(suspects.interval().toMinutes()).isEqualTo(5);
    assertThat(suspects.toMap()).containsEntry("byte_growth", 2_637_616L).containsKey("classes");
    assertThat(session.toMap())
        .containsEntry("class_name", "com.example.Session")
        .containsEntry("instance_growth", 20_000L)
        .containsEntry("byte_growth", 640_000L);
  }

  @Test
  void aClassThatShrankIsNotASuspect() {
    ClassHistogram before = ClassHistogram.of(T0, List.of(new ClassHistogram.Entry("A", 10, 100)));
    ClassHistogram after = ClassHistogram.of(T1, List.of(new ClassHistogram.Entry("A", 5, 50)));

    assertThat(after.growthSince(before, 10).classes()).isEmpty();
  }

  @Test
  void rejectsBadArguments() {
    ClassHistogram h = ClassHistogram.of(T0, List.of());

    assertThatThrownBy(() -> h.growthSince(h, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be at least 1, was 0");
    assertThatThrownBy(() -> new ClassHistogram.Entry("A", -1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("instances must be zero or positive, was -1");
    assertThatThrownBy(() -> ClassHistogram.parse(null, T0))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("text must not be null");
  }
}
