package dev.reliability.core.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class DeadlineHeapProperties {

  @Property(tries = 300)
  void pollsInDueOrderAfterAnyMixOfAddsAndRemoves(
      @ForAll @Size(max = 200) List<@IntRange(min = -1_000, max = 1_000) Integer> dues,
      @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 199) Integer> removals) {
    DeadlineHeap heap = new DeadlineHeap();
    List<Entry<Object>> inHeap = new ArrayList<>();
    long id = 0;
    for (int due : dues) {
      Entry<Object> e = new Entry<>(null, null, id++, true);
      e.checkAt = due;
      heap.add(e);
      inHeap.add(e);
    }
    for (int index : removals) {
      if (!inHeap.isEmpty()) {
        Entry<Object> e = inHeap.remove(index % inHeap.size());
        assertThat(heap.remove(e)).isTrue();
        assertThat(heap.remove(e)).isFalse();
        assertThat(e.heapIndex).isEqualTo(-1);
      }
    }
    assertThat(heap.size()).isEqualTo(inHeap.size());
    inHeap.sort(Comparator.comparingLong(e -> e.checkAt));
    for (Entry<Object> expected : inHeap) {
      Entry<?> first = heap.peek();
      assertThat(first.checkAt).isEqualTo(expected.checkAt);
      assertThat(heap.remove(first)).isTrue();
    }
    assertThat(heap.peek()).isNull();
  }
}
