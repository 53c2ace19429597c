package dev.reliability.core.leak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.leak.ClassHistogram.Entry;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class ClassHistogramProperties {

  @Property(tries = 200)
  void parsesWhatTheJvmPrints(@ForAll @Size(max = 40) List<@From("entries") Entry> in) {
    StringBuilder text =
        new StringBuilder(" num     #instances         #bytes  class name (module)\n");
    text.append("-------------------------------------------------------\n");
    long instances = 0;
    long bytes = 0;
    for (int i = 0; i < in.size(); i++) {
      ClassHistogram.Entry e = in.get(i);
      text.append(
          String.format(
              Locale.ROOT,
              "%4d: %13d %14d  %s%s%n",
              i + 1,
              e.instances(),
              e.bytes(),
              e.className(),
              i % 2 == 0 ? " (java.base@17.0.15)" : ""));
      instances += e.instances();
      bytes += e.bytes();
    }
    text.append(String.format(Locale.ROOT, "Total %13d %14d%n", instances, bytes));

    ClassHistogram h = ClassHistogram.parse(text.toString(), Instant.EPOCH);

    assertThat(h.entries()).containsExactlyElementsOf(in);
    assertThat(h.totalBytes()).isEqualTo(bytes);
  }

  @Property(tries = 200)
  void neverThrowsOnArbitraryText(@ForAll String text) {
    ClassHistogram h = ClassHistogram.parse(text, Instant.EPOCH);

    assertThat(h.totalBytes()).isNotNegative();
  }

  @Property(tries = 200)
  void growthIsNeverNegativeInBothMeasuresAndIsSorted(
      @ForAll @Size(max = 20) List<@From("entries") Entry> before,
      @ForAll @Size(max = 20) List<@From("entries") Entry> after) {
    LeakSuspects s =
        ClassHistogram.of(Instant.EPOCH.plusSeconds(60), after)
            .growthSince(ClassHistogram.of(Instant.EPOCH, before), 100);

    for (ClassGrowth g : s.classes()) {
      assertThat(g.byteGrowth() > 0 || g.instanceGrowth() > 0).isTrue();
    }
    assertThat(s.classes()).isSortedAccordingTo(ClassGrowth.LARGEST_FIRST);
  }

  @Provide
  Arbitrary<ClassHistogram.Entry> entries() {
    Arbitrary<String> names =
        Arbitraries.of(
            "[B",
            "[Ljava.lang.Object;",
            "java.lang.String",
            "com.example.Session",
            "com.example.Outer$Inner",
            "jdk.proxy1.$Proxy5",
            "java.util.HashMap$Node");
    return Combinators.combine(
            names,
            Arbitraries.longs().between(0, 1_000_000_000L),
            Arbitraries.longs().between(0, 100_000_000_000L))
        .as(ClassHistogram.Entry::new);
  }
}
