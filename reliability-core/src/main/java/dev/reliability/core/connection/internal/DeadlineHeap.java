package dev.reliability.core.connection.internal;

import java.util.Arrays;

/**
 * A binary min-heap of entries ordered by their next due time, with each entry's index stored in
 * the entry itself, so adding, removing any entry and polling the earliest are O(log n) and
 * allocate nothing beyond the array's growth. Not thread-safe: the registry guards it with one lock
 * and never calls out of it while holding that lock.
 *
 * <p>Internal: may change at any time.
 */
final class DeadlineHeap {

  private Entry<?>[] heap = new Entry<?>[16];
  private int size;

  int size() {
    return size;
  }

  /** Returns the entry due first, or null. */
  Entry<?> peek() {
    return size == 0 ? null : heap[0];
  }

  /** Adds an entry that is not in the heap, using its {@code checkAt}. */
  void add(Entry<?> e) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = e;
    e.heapIndex = size;
    size++;
    siftUp(e.heapIndex);
  }

  /** Removes an entry if it is in the heap; returns whether it was. */
  boolean remove(Entry<?> e) {
    int i = e.heapIndex;
    if (i < 0 || i >= size || heap[i] != e) {
      return false;
    }
    size--;
    Entry<?> last = heap[size];
    heap[size] = null;
    e.heapIndex = -1;
    if (i != size) {
      heap[i] = last;
      last.heapIndex = i;
      siftDown(i);
      siftUp(last.heapIndex);
    }
    if (heap.length > 64 && size < heap.length / 4) {
      heap = Arrays.copyOf(heap, heap.length / 2);
    }
    return true;
  }

  private static boolean before(Entry<?> a, Entry<?> b) {
    return a.checkAt - b.checkAt < 0;
  }

  private void siftUp(int i) {
    Entry<?> e = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Entry<?> p = heap[parent];
      if (!before(e, p)) {
        break;
      }
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = e;
    e.heapIndex = i;
  }

  private void siftDown(int i) {
    Entry<?> e = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(heap[right], heap[child])) {
        child = right;
      }
      if (!before(heap[child], e)) {
        break;
      }
      heap[i] = heap[child];
      heap[i].heapIndex = i;
      i = child;
    }
    heap[i] = e;
    e.heapIndex = i;
  }
}
