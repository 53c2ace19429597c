package dev.reliability.health.checks;

import dev.reliability.core.internal.Checks;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.internal.Thresholds;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Disk space on the file systems holding one or more paths: per path, degraded from 90% used,
 * unhealthy from 99% used or when less than 10 MiB are left to the JVM's user. The check reports
 * the worst path.
 *
 * <p>Reads {@link FileStore#getUsableSpace()} and {@link FileStore#getTotalSpace()}. Details, per
 * path: {@code free_mb}, {@code total_mb}, {@code utilization}; a path that cannot be read is
 * unhealthy with the reason. Immutable and thread-safe.
 *
 * <pre>{@code
 * registry.register("disk", DiskSpaceHealthCheck.builder()
 *     .path(Path.of("/var/lib/orders")).path(Path.of("/tmp")).build(),
 *     HealthCheckConfig.builder().groups(HealthGroups.READINESS).build());
 * }</pre>
 */
public final class DiskSpaceHealthCheck implements HealthCheck {

  private final List<Path> paths;
  private final double degradedAt;
  private final double unhealthyAt;
  private final long minFreeBytes;

  private DiskSpaceHealthCheck(Builder b) {
    this.paths = List.copyOf(b.paths);
    this.degradedAt = b.degradedAt;
    this.unhealthyAt = b.unhealthyAt;
    this.minFreeBytes = b.minFreeBytes;
  }

  /**
   * Returns a check of one path with the default thresholds.
   *
   * @param path a path on the file system to watch
   * @return the check
   */
  public static DiskSpaceHealthCheck of(Path path) {
    return builder().path(path).build();
  }

  /**
   * Starts a check.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public HealthCheckResult check() {
    HealthStatus worst = HealthStatus.HEALTHY;
    String worstMessage = "";
    double worstUsed = 0;
    Map<String, Object> perPath = new LinkedHashMap<>();
    for (Path path : paths) {
      Map<String, Object> d = new LinkedHashMap<>();
      HealthStatus status;
      String message;
      double used = 0;
      try {
        FileStore store = Files.getFileStore(path);
        long total = store.getTotalSpace();
        long free = store.getUsableSpace();
        used = total <= 0 ? 0 : 1.0 - (double) free / total;
        status = Thresholds.atOrAbove(used, degradedAt, unhealthyAt);
        if (free < minFreeBytes) {
          status = HealthStatus.UNHEALTHY;
        }
        message =
            path
                + ": "
                + Thresholds.percent(used)
                + " used, "
                + Thresholds.mib(free)
                + " MiB free"
                + (free < minFreeBytes
                    ? ", below the minimum of " + Thresholds.mib(minFreeBytes) + " MiB"
                    : Thresholds.crossed(
                        status, Thresholds.percent(degradedAt), Thresholds.percent(unhealthyAt)));
        d.put("free_mb", Thresholds.mib(free));
        d.put("total_mb", Thresholds.mib(total));
        d.put("utilization", Thresholds.round2(used));
      } catch (IOException | SecurityException e) {
        status = HealthStatus.UNHEALTHY;
        message = path + ": cannot read disk space (" + e + ")";
        d.put("error", e.toString());
      }
      d.put("status", status.label());
      perPath.put(path.toString(), d);
      if (status.isWorseThan(worst) || (status == worst && used > worstUsed)) {
        worst = status;
        worstMessage = message;
        worstUsed = used;
      }
    }
    return HealthCheckResult.builder(worst)
        .message(worstMessage)
        .detail("paths", perPath)
        .measurement("utilization", Thresholds.round2(worstUsed * 100), "percent")
        .build();
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.SYSTEM;
  }

  /** Builds a {@link DiskSpaceHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private final List<Path> paths = new ArrayList<>();
    private double degradedAt = 0.90;
    private double unhealthyAt = 0.99;
    private long minFreeBytes = 10L * 1024 * 1024;

    private Builder() {}

    /**
     * Adds a path whose file system to watch.
     *
     * @param path the path
     * @return this builder
     */
    public Builder path(Path path) {
      paths.add(Checks.notNull("path", path).toAbsolutePath());
      return this;
    }

    /**
     * Sets the share used from which a path is degraded. Default 0.90.
     *
     * @param fraction between 0.0 and 1.0
     * @return this builder
     */
    public Builder degradedAt(double fraction) {
      this.degradedAt = Checks.fraction("degradedAt", fraction);
      return this;
    }

    /**
     * Sets the share used from which a path is unhealthy. Default 0.99.
     *
     * @param fraction between 0.0 and 1.0
     * @return this builder
     */
    public Builder unhealthyAt(double fraction) {
      this.unhealthyAt = Checks.fraction("unhealthyAt", fraction);
      return this;
    }

    /**
     * Sets the free space below which a path is unhealthy whatever its share. Default 10 MiB.
     *
     * @param bytes zero or more
     * @return this builder
     */
    public Builder minFreeBytes(long bytes) {
      this.minFreeBytes = Checks.notNegative("minFreeBytes", bytes);
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     * @throws IllegalArgumentException if no path was added or unhealthyAt is below degradedAt
     */
    public DiskSpaceHealthCheck build() {
      Checks.check(!paths.isEmpty(), "paths", "at least one path", "none");
      Thresholds.checkFractions("degradedAt", degradedAt, "unhealthyAt", unhealthyAt);
      return new DiskSpaceHealthCheck(this);
    }
  }
}
