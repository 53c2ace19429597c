package dev.reliability.cluster.internal.hazelcast;

import com.hazelcast.map.EntryProcessor;
import java.io.Serial;
import java.util.Arrays;
import java.util.Map;

/**
 * Adds an instance's calls and retries to one retry budget's time slice and returns the fleet's
 * sums over the window, in one atomic step on the partition owner. The budget's slices live in one
 * entry, a flat {@code long[]} of {@code [slice, calls, retries, expiresAt]} records, so the add
 * and the window's sum are one round trip and see the same state; each slice expires {@code
 * sliceTtlMillis} after it was created (owner's clock), and the table keeps at most {@value
 * #MAX_SLICES} slices (the oldest go first) whatever the callers' clocks say.
 *
 * <p>Runs on the members (Java serialization). Internal: may change at any time.
 */
final class CounterProcessor implements EntryProcessor<String, long[], long[]> {

  @Serial private static final long serialVersionUID = 1L;

  /**
   * Twice the largest window a retry budget may have (1,000 slices): room for every slice of the
   * window, plus the slices of callers whose clocks run ahead, and still a bound on the entry.
   */
  static final int MAX_SLICES = 2_000;

  private static final int RECORD = 4;

  private final long slice;
  private final long calls;
  private final long retries;
  private final int slices;
  private final long sliceTtlMillis;

  /** The owner's result, handed to the backups instead of the operation. */
  private transient TableBackupProcessor<long[], long[]> backup;

  CounterProcessor(long slice, long calls, long retries, int slices, long sliceTtlMillis) {
    this.slice = slice;
    this.calls = calls;
    this.retries = retries;
    this.slices = slices;
    this.sliceTtlMillis = sliceTtlMillis;
  }

  @Override
  public long[] process(Map.Entry<String, long[]> entry) {
    long now = System.currentTimeMillis();
    long[] old = entry.getValue() == null ? new long[0] : entry.getValue();
    long[] table = new long[old.length + RECORD];
    int size = 0;
    boolean found = false;
    for (int i = 0; i + RECORD <= old.length; i += RECORD) {
      if (old[i + 3] <= now) {
        continue; // expired
      }
      System.arraycopy(old, i, table, size, RECORD);
      if (old[i] == slice) {
        table[size + 1] += calls;
        table[size + 2] += retries;
        found = true;
      }
      size += RECORD;
    }
    if (!found) {
      table[size] = slice;
      table[size + 1] = calls;
      table[size + 2] = retries;
      table[size + 3] = now + sliceTtlMillis;
      size += RECORD;
    }
    table = keepNewest(Arrays.copyOf(table, size));
    long callSum = 0;
    long retrySum = 0;
    long latestExpiry = now;
    for (int i = 0; i < table.length; i += RECORD) {
      if (table[i] > slice - slices && table[i] <= slice) {
        callSum += table[i + 1];
        retrySum += table[i + 2];
      }
      latestExpiry = Math.max(latestExpiry, table[i + 3]);
    }
    long ttl = TableBackupProcessor.store(entry, table, Math.max(1, latestExpiry - now));
    backup = new TableBackupProcessor<>(table, ttl);
    return new long[] {callSum, retrySum};
  }

  /** Drops the oldest slices beyond {@link #MAX_SLICES}. */
  private static long[] keepNewest(long[] table) {
    int records = table.length / RECORD;
    if (records <= MAX_SLICES) {
      return table;
    }
    long[][] sorted = new long[records][];
    for (int r = 0; r < records; r++) {
      sorted[r] = Arrays.copyOfRange(table, r * RECORD, r * RECORD + RECORD);
    }
    Arrays.sort(sorted, (a, b) -> Long.compare(b[0], a[0]));
    long[] kept = new long[MAX_SLICES * RECORD];
    for (int r = 0; r < MAX_SLICES; r++) {
      System.arraycopy(sorted[r], 0, kept, r * RECORD, RECORD);
    }
    return kept;
  }

  @Override
  public EntryProcessor<String, long[], long[]> getBackupProcessor() {
    return backup;
  }
}
