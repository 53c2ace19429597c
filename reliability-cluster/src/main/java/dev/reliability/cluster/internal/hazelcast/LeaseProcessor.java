package dev.reliability.cluster.internal.hazelcast;

import com.hazelcast.map.EntryProcessor;
import java.io.Serial;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes one concurrency limit's lease table (lease id to expiry, in the partition owner's
 * milliseconds) in one atomic step on the owner: expired leases go first, then the lease is taken,
 * renewed or released. An empty table removes the entry; a non-empty one lives until its last lease
 * expires, so the leases of a crashed fleet vanish even if nobody touches the limit again.
 *
 * <p>Invariant: after {@link #ACQUIRE}, the table holds at most {@code max} unexpired leases; a
 * lease id already present is renewed and counts once, so a retried acquire cannot take two
 * permits.
 *
 * <p>Runs on the members (Java serialization). Internal: may change at any time.
 */
final class LeaseProcessor implements EntryProcessor<String, HashMap<String, Long>, Boolean> {

  @Serial private static final long serialVersionUID = 1L;

  static final byte ACQUIRE = 1;
  static final byte RENEW = 2;
  static final byte RELEASE = 3;

  private final byte op;
  private final String leaseId;
  private final List<String> leaseIds;
  private final int max;
  private final long ttlMillis;

  /** The owner's result, handed to the backups instead of the operation. */
  private transient TableBackupProcessor<HashMap<String, Long>, Boolean> backup;

  LeaseProcessor(byte op, String leaseId, int max, long ttlMillis) {
    this.op = op;
    this.leaseId = leaseId;
    this.leaseIds = List.of();
    this.max = max;
    this.ttlMillis = ttlMillis;
  }

  LeaseProcessor(List<String> leaseIds, long ttlMillis) {
    this.op = RENEW;
    this.leaseId = null;
    this.leaseIds = leaseIds;
    this.max = 0;
    this.ttlMillis = ttlMillis;
  }

  @Override
  public Boolean process(Map.Entry<String, HashMap<String, Long>> entry) {
    long now = System.currentTimeMillis();
    HashMap<String, Long> table = entry.getValue();
    if (table == null) {
      table = new HashMap<>();
    }
    boolean changed = table.values().removeIf(expiry -> expiry <= now);
    boolean result = true;
    switch (op) {
      case ACQUIRE -> {
        if (table.containsKey(leaseId) || table.size() < max) {
          table.put(leaseId, now + ttlMillis);
          changed = true;
        } else {
          result = false;
        }
      }
      case RENEW -> {
        for (String id : leaseIds) {
          if (table.replace(id, now + ttlMillis) != null) {
            changed = true;
          }
        }
      }
      case RELEASE -> changed |= table.remove(leaseId) != null;
      default -> throw new IllegalArgumentException("lease operation must be 1, 2 or 3, was " + op);
    }
    if (!changed) {
      return result; // nothing written, so no backup either
    }
    HashMap<String, Long> stored = table.isEmpty() ? null : table;
    long ttl = TableBackupProcessor.store(entry, stored, remaining(table, now));
    backup = new TableBackupProcessor<>(stored, ttl);
    return result;
  }

  private static long remaining(HashMap<String, Long> table, long now) {
    long last = now;
    for (long expiry : table.values()) {
      last = Math.max(last, expiry);
    }
    return Math.max(1, last - now);
  }

  @Override
  public EntryProcessor<String, HashMap<String, Long>, Boolean> getBackupProcessor() {
    return backup;
  }
}
