package dev.reliability.cluster;

import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.ExternalBulkhead;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A concurrency limit shared by every instance of a service: each call in flight holds a lease on
 * the engine (id: the engine's instance id and a counter), renewed by this instance every third of
 * the lease's time to live and expiring on the engine after it, so a crashed instance's permits
 * come back within {@link FleetBulkheadConfig#leaseTtl()}. Give it to a policy with {@code
 * Policy.Builder.bulkhead(ExternalBulkhead)}: the policy refuses with the same {@code
 * BulkheadFullException} as for its own bulkhead.
 *
 * <p><b>While the engine fails</b> new calls take local permits, at most the instance's share
 * ({@link FleetBulkheadConfig#localShare()}), without waiting on the engine. Across the switches:
 * leases held when the engine fails stay with their calls; they are no longer renewed, so unless
 * the engine comes back within their time to live they expire there; one given back while degraded
 * is released when the engine recovers. A permit taken locally is given back locally, also after
 * recovery, so for as long as such calls last the fleet may hold up to their number beyond the
 * limit. A lease whose answer came too late, or whose release failed, may be held on the engine
 * without a call: it is never renewed and expires after its time to live.
 *
 * <p>Thread-safe; {@link #tryAcquire()} blocks at most the engine's timeout, {@link #release()}
 * never blocks.
 */
public final class FleetBulkhead implements ExternalBulkhead, FleetLimit {

  private static final Logger LOG = LoggerFactory.getLogger(FleetBulkhead.class);

  private final FleetEngine engine;
  private final FleetBulkheadConfig config;
  private final BulkheadConfig view;
  private final long ttlMillis;
  private final int localShare;
  private final AtomicInteger localHeld = new AtomicInteger();
  private final Queue<String> leases = new ConcurrentLinkedQueue<>();
  private final Queue<String> releaseLater = new ConcurrentLinkedQueue<>();

  /** Numbers this instance's leases: only uniqueness matters, so a plain increment suffices. */
  private final AtomicLong leaseCounter = new AtomicLong();

  private final ModeCounts counts = new ModeCounts();
  private volatile Future<?> renewal;
  private volatile boolean closed;

  FleetBulkhead(FleetEngine engine, FleetBulkheadConfig config) {
    this.engine = engine;
    this.config = config;
    this.ttlMillis = config.leaseTtl().toMillis();
    this.localShare = config.localShare(engine.expectedInstances());
    this.view = BulkheadConfig.builder().maxConcurrentCalls(config.maxConcurrentCalls()).build();
    scheduleRenewal();
  }

  /**
   * Takes a permit now, without waiting for one: a lease on the engine while shared, a local permit
   * while degraded.
   *
   * @return whether a permit was taken
   */
  @Override
  public boolean tryAcquire() {
    if (engine.status() == FleetStatus.SHARED && !closed) {
      String id = engine.instanceId() + "-" + leaseCounter.incrementAndGet();
      try {
        Boolean taken =
            engine.await(
                () ->
                    engine
                        .backend()
                        .acquireLease(config.name(), id, config.maxConcurrentCalls(), ttlMillis),
                engine.timeoutNanos());
        if (Boolean.TRUE.equals(taken)) {
          leases.add(id);
          counts.count(FleetStatus.SHARED, true);
          return true;
        }
        counts.count(FleetStatus.SHARED, false);
        return false;
      } catch (FleetEngine.Unavailable e) {
        // The engine was told and is degraded: decide locally.
      }
    }
    if (acquireLocal()) {
      counts.count(FleetStatus.DEGRADED, true);
      return true;
    }
    counts.count(FleetStatus.DEGRADED, false);
    return false;
  }

  // CAS invariant: localHeld is the number of local permits taken and not given back, always
  // between 0 and localShare. It changes only by a CAS from a value read and checked against that
  // bound (below localShare to take, above 0 to give back), so no two callers take the last permit
  // and no permit is given back twice; one atomic number, so every reader sees a whole state.
  private boolean acquireLocal() {
    while (true) {
      int held = localHeld.get();
      if (held >= localShare) {
        return false;
      }
      if (localHeld.compareAndSet(held, held + 1)) {
        return true;
      }
    }
  }

  /**
   * Gives back one permit: a local one first while degraded, else a lease (released on the engine
   * in the background, or when it recovers), else a local one.
   */
  @Override
  public void release() {
    if (engine.status() == FleetStatus.DEGRADED && releaseLocal()) {
      return;
    }
    String id = leases.poll();
    if (id == null) {
      releaseLocal();
      return;
    }
    if (engine.status() == FleetStatus.SHARED) {
      engine.background(() -> engine.backend().releaseLease(config.name(), id));
    } else {
      releaseLater.add(id);
    }
  }

  private boolean releaseLocal() {
    // See acquireLocal for the CAS invariant.
    while (true) {
      int held = localHeld.get();
      if (held <= 0) {
        return false;
      }
      if (localHeld.compareAndSet(held, held - 1)) {
        return true;
      }
    }
  }

  private void scheduleRenewal() {
    if (!closed && !engine.isClosed()) {
      renewal = engine.scheduler().schedule(this::renew, config.leaseTtl().toNanos() / 3);
    }
  }

  /** Renews this instance's leases while shared; reschedules itself whatever happens. */
  private void renew() {
    try {
      if (engine.status() == FleetStatus.SHARED && !leases.isEmpty()) {
        List<String> held = List.copyOf(leases);
        engine.background(() -> engine.backend().renewLeases(config.name(), held, ttlMillis));
      }
    } catch (Throwable t) {
      LOG.warn(
          "fleet_lease_renewal_failed bulkhead={} error=\"{}\"",
          config.name(),
          FleetEngine.describe(t));
    } finally {
      scheduleRenewal();
    }
  }

  /**
   * Returns the fleet-wide limit as the local bulkhead's configuration type.
   *
   * @return the configuration
   */
  @Override
  public BulkheadConfig config() {
    return view;
  }

  /**
   * Returns this bulkhead's configuration.
   *
   * @return the configuration
   */
  public FleetBulkheadConfig fleetConfig() {
    return config;
  }

  /**
   * Returns the permits this instance could still take as far as it knows: while shared, the limit
   * less the leases it holds (other instances' leases are not counted); while degraded, the local
   * share's free permits.
   *
   * @return zero or more
   */
  @Override
  public int availablePermits() {
    if (engine.status() == FleetStatus.SHARED) {
      return Math.max(0, config.maxConcurrentCalls() - leases.size());
    }
    return Math.max(0, localShare - localHeld.get());
  }

  /**
   * Returns the leases this instance holds on the engine now.
   *
   * @return the count
   */
  public int leasesHeld() {
    return leases.size();
  }

  /**
   * Returns the local permits held now.
   *
   * @return the count
   */
  public int localPermitsHeld() {
    return localHeld.get();
  }

  /**
   * Returns the permits this instance allows while degraded.
   *
   * @return the local share
   */
  public int localShare() {
    return localShare;
  }

  @Override
  public long rejectedCalls() {
    return counts.refused();
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public String kind() {
    return "concurrency";
  }

  @Override
  public long admitted(FleetStatus mode) {
    return counts.admitted(mode);
  }

  @Override
  public long refused(FleetStatus mode) {
    return counts.refused(mode);
  }

  FleetEngine.FleetComponent hooks() {
    return new FleetEngine.FleetComponent() {
      @Override
      public void onStatusChange(FleetStatus status) {
        if (status == FleetStatus.SHARED) {
          for (String id; (id = releaseLater.poll()) != null; ) {
            String lease = id;
            engine.background(() -> engine.backend().releaseLease(config.name(), lease));
          }
        }
      }

      @Override
      public void close() {
        closed = true;
        Future<?> r = renewal;
        if (r != null) {
          r.cancel(false);
        }
      }
    };
  }

  @Override
  public String toString() {
    return "FleetBulkhead[" + config.name() + ", " + engine.status() + "]";
  }
}
