package dev.reliability.cluster.internal.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.io.Serial;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes the partition owner's result on a backup: the backups copy the owner's table and its time
 * to live rather than re-running an operation against their own clocks.
 *
 * <p>Runs on the members (Java serialization). Internal: may change at any time.
 *
 * @param <V> the table's type
 * @param <R> the owner's result type (a backup returns nothing)
 */
final class TableBackupProcessor<V, R> implements EntryProcessor<String, V, R> {

  @Serial private static final long serialVersionUID = 1L;

  private final V value;
  private final long ttlMillis;

  TableBackupProcessor(V value, long ttlMillis) {
    this.value = value;
    this.ttlMillis = ttlMillis;
  }

  @Override
  public R process(Map.Entry<String, V> entry) {
    store(entry, value, ttlMillis);
    return null;
  }

  @Override
  public EntryProcessor<String, V, R> getBackupProcessor() {
    return null;
  }

  /**
   * How long a table outlives its last expiry. The entry's time to live only cleans up after a
   * fleet that stopped touching it (the table's own expiries decide), and Hazelcast expires entries
   * at a coarser grain than milliseconds: a time to live below a second may end the entry at once.
   */
  static final long TTL_SLACK_MILLIS = 5_000;

  /**
   * Sets the entry to {@code value} living {@code ttlMillis} plus {@link #TTL_SLACK_MILLIS}, or
   * removes it when {@code value} is null.
   *
   * @return {@code ttlMillis}
   */
  static <V> long store(Map.Entry<String, V> entry, V value, long ttlMillis) {
    if (value == null) {
      entry.setValue(null);
    } else if (entry instanceof ExtendedMapEntry<String, V> extended) {
      extended.setValue(value, ttlMillis + TTL_SLACK_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      entry.setValue(value);
    }
    return ttlMillis;
  }
}
