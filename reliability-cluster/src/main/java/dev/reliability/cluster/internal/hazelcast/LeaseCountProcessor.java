package dev.reliability.cluster.internal.hazelcast;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import java.io.Serial;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts a concurrency limit's unexpired leases by the partition owner's clock, without writing.
 *
 * <p>Runs on the members (Java serialization). Internal: may change at any time.
 */
final class LeaseCountProcessor
    implements EntryProcessor<String, HashMap<String, Long>, Integer>, ReadOnly {

  @Serial private static final long serialVersionUID = 1L;

  @Override
  public Integer process(Map.Entry<String, HashMap<String, Long>> entry) {
    HashMap<String, Long> table = entry.getValue();
    if (table == null) {
      return 0;
    }
    long now = System.currentTimeMillis();
    int held = 0;
    for (long expiry : table.values()) {
      if (expiry > now) {
        held++;
      }
    }
    return held;
  }

  @Override
  public EntryProcessor<String, HashMap<String, Long>, Integer> getBackupProcessor() {
    return null;
  }
}
