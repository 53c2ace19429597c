package dev.reliability.cluster.internal.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The entry processors against a model, on plain map entries (the logic Hazelcast runs on the
 * partition owner): any sequence of lease operations keeps at most {@code max} leases and agrees
 * with a set; any sequence of counts sums exactly the window's slices; a backup ends with the
 * owner's value.
 */
class EntryProcessorProperties {

  private static final long LONG_TTL = 3_600_000;

  /** One lease operation: 0 acquire, 1 release, 2 renew; on one of a few lease ids. */
  record LeaseOp(int kind, int lease) {}

  @Provide
  Arbitrary<List<LeaseOp>> leaseOps() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 7))
        .as(LeaseOp::new)
        .list()
        .ofMaxSize(60);
  }

  @Property(tries = 300)
  void leaseTablesNeverHoldMoreThanMaxAndAgreeWithASet(
      @ForAll("leaseOps") List<LeaseOp> ops, @ForAll @IntRange(min = 1, max = 5) int max) {
    Map.Entry<String, HashMap<String, Long>> entry = new AbstractMap.SimpleEntry<>("limit", null);
    Map.Entry<String, HashMap<String, Long>> backup = new AbstractMap.SimpleEntry<>("limit", null);
    Set<String> model = new HashSet<>();
    for (LeaseOp op : ops) {
      String id = "lease-" + op.lease();
      LeaseProcessor processor =
          switch (op.kind()) {
            case 0 -> new LeaseProcessor(LeaseProcessor.ACQUIRE, id, max, LONG_TTL);
            case 1 -> new LeaseProcessor(LeaseProcessor.RELEASE, id, 0, 0);
            default -> new LeaseProcessor(List.of(id), LONG_TTL);
          };
      boolean result = processor.process(entry);
      if (op.kind() == 0) {
        boolean expected = model.contains(id) || model.size() < max;
        assertThat(result).isEqualTo(expected);
        if (expected) {
          model.add(id);
        }
      } else if (op.kind() == 1) {
        model.remove(id);
      }
      if (processor.getBackupProcessor() != null) {
        processor.getBackupProcessor().process(backup);
      }
      int held = new LeaseCountProcessor().process(entry);
      assertThat(held).isEqualTo(model.size()).isLessThanOrEqualTo(max);
      assertThat(entry.getValue() == null ? Set.of() : entry.getValue().keySet())
          .containsExactlyInAnyOrderElementsOf(model);
      assertThat(backup.getValue()).isEqualTo(entry.getValue());
    }
  }

  /** One count: a slice near the others, and the calls and retries to add. */
  record Count(long slice, long calls, long retries) {}

  @Provide
  Arbitrary<List<Count>> counts() {
    return Combinators.combine(
            Arbitraries.longs().between(1_000, 1_030),
            Arbitraries.longs().between(0, 50),
            Arbitraries.longs().between(0, 5))
        .as(Count::new)
        .list()
        .ofMaxSize(60);
  }

  @Property(tries = 300)
  void countsSumExactlyTheWindowsSlices(
      @ForAll("counts") List<Count> counts, @ForAll @IntRange(min = 1, max = 12) int slices) {
    Map.Entry<String, long[]> entry = new AbstractMap.SimpleEntry<>("budget", null);
    Map.Entry<String, long[]> backup = new AbstractMap.SimpleEntry<>("budget", null);
    Map<Long, long[]> model = new HashMap<>();
    for (Count c : counts) {
      CounterProcessor processor =
          new CounterProcessor(c.slice(), c.calls(), c.retries(), slices, LONG_TTL);
      long[] sums = processor.process(entry);
      processor.getBackupProcessor().process(backup);
      model.merge(
          c.slice(),
          new long[] {c.calls(), c.retries()},
          (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      long calls = 0;
      long retries = 0;
      for (Map.Entry<Long, long[]> m : model.entrySet()) {
        if (m.getKey() > c.slice() - slices && m.getKey() <= c.slice()) {
          calls += m.getValue()[0];
          retries += m.getValue()[1];
        }
      }
      assertThat(sums).containsExactly(calls, retries);
      assertThat(backup.getValue()).isEqualTo(entry.getValue());
    }
  }

  @Property(tries = 50)
  void theSlicesKeptAreBoundedWhateverTheCallersClocksSay(
      @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 100_000) Integer> starts) {
    Map.Entry<String, long[]> entry = new AbstractMap.SimpleEntry<>("budget", null);
    for (int start : starts) {
      for (int i = 0; i < CounterProcessor.MAX_SLICES + 10; i += 7) {
        new CounterProcessor(start + i, 1, 0, 10, LONG_TTL).process(entry);
      }
    }
    assertThat(entry.getValue().length / 4).isLessThanOrEqualTo(CounterProcessor.MAX_SLICES);
  }
}
