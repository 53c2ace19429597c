package dev.reliability.health;

/**
 * What a health check looks at. The kind decides whether a check may join the liveness probe and
 * which {@code componentType} the {@code application/health+json} view reports.
 *
 * <p>Dependency checks ({@link #DEPENDENCY}, {@link #DATASTORE}) look at something outside the
 * process. They must not decide liveness: when a shared database is down, every pod would fail
 * liveness at once and Kubernetes would restart all of them, which cures nothing and adds a restart
 * storm to the outage. {@link HealthCheckRegistry#register(String, HealthCheck, HealthCheckConfig)}
 * therefore refuses a dependency check in the liveness group unless the configuration {@linkplain
 * HealthCheckConfig.Builder#allowOnLiveness(boolean) opts in}.
 */
public enum HealthCheckKind {
  /** Something inside the process: a queue, a cache, a worker pool, a leak detector. */
  INTERNAL("component", false),
  /** A resource of the process or the host: memory, CPU, disk, file descriptors, threads. */
  SYSTEM("system", false),
  /** A remote service reached over the network: an HTTP API, a broker, a TCP endpoint. */
  DEPENDENCY("component", true),
  /** A database or another data store. */
  DATASTORE("datastore", true);

  private final String componentType;
  private final boolean dependency;

  HealthCheckKind(String componentType, boolean dependency) {
    this.componentType = componentType;
    this.dependency = dependency;
  }

  /**
   * Returns whether checks of this kind look at something outside the process.
   *
   * @return true for {@link #DEPENDENCY} and {@link #DATASTORE}
   */
  public boolean isDependency() {
    return dependency;
  }

  /**
   * Returns the {@code componentType} of the IETF health check response format.
   *
   * @return {@code component}, {@code system} or {@code datastore}
   */
  public String componentType() {
    return componentType;
  }
}
