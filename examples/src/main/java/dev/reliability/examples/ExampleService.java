package dev.reliability.examples;

import static net.logstash.logback.argument.StructuredArguments.kv;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.Setting;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.jetty.JettyConnections;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.DeadlineHeader;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.context.RequestIdSanitizer;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.leak.LeakDetectorConfig;
import dev.reliability.core.leak.LeakGauge;
import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.ConfigReloader;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.core.policy.RetryBudget;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.core.shedding.LoadShedder;
import dev.reliability.core.shedding.LoadSheddingConfig;
import dev.reliability.core.shedding.servlet.LoadSheddingServletFilter;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.checks.CircuitBreakerHealthCheck;
import dev.reliability.health.checks.ConnectionRegistryHealthCheck;
import dev.reliability.health.checks.JvmMemoryHealthCheck;
import dev.reliability.health.checks.LeakDetectorHealthCheck;
import dev.reliability.health.checks.ThreadHealthCheck;
import dev.reliability.health.http.HealthEndpointConfig;
import dev.reliability.health.http.HealthServlet;
import dev.reliability.health.http.ShowDetails;
import dev.reliability.health.spi.ServicePerformance;
import dev.reliability.metrics.ConnectionRegistryMetrics;
import dev.reliability.metrics.HealthMetrics;
import dev.reliability.metrics.LeakDetectorMetrics;
import dev.reliability.metrics.LoadSheddingMetrics;
import dev.reliability.metrics.PolicyMetrics;
import dev.reliability.metrics.ReliabilityMetrics;
import dev.reliability.metrics.http.HttpServerMetrics;
import dev.reliability.metrics.http.HttpServerMetricsServletFilter;
import dev.reliability.metrics.prometheus.PrometheusScrapeServlet;
import dev.reliability.tracing.HttpClientTracing;
import dev.reliability.tracing.RequestTracing;
import dev.reliability.tracing.ServiceTracing;
import dev.reliability.tracing.TracingHeaders;
import dev.reliability.tracing.servlet.ProblemJsonServletFilter;
import dev.reliability.tracing.servlet.RequestContextServletFilter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example service: every module of the library wired the way the docs recommend, in front of a
 * small backend service that plays the downstream dependency over real HTTP. See {@code
 * docs/example.md} for the endpoints, the settings and what to try.
 *
 * <ul>
 *   <li>Jetty 12 (EE 11 servlets) on 127.0.0.1 at {@code PORT}, with the request-context, metrics
 *       and problem+json servlet filters in front of every servlet, and the load-shedding filter
 *       (an adaptive limit, {@code reliability.load-shedding.*}) in front of {@code /api/*} only.
 *   <li>{@code GET /api/quote}: the backend through the named policy {@value #POLICY} (circuit
 *       breaker, retry with a budget, time limit, bulkhead).
 *   <li>With {@code REDIS_URL}: {@code /api/quote} also within a rate limit and a concurrency limit
 *       that every instance started with the same Redis shares ({@link FleetLimits}).
 *   <li>{@code POST /admin/chaos}: the backend's injected failure rate and latency.
 *   <li>{@code /health/*}: probes and the detailed view; {@code /metrics}: Prometheus.
 *   <li>{@code /ws}: a WebSocket echo bounded by a connection registry at {@code
 *       WS_MAX_CONNECTIONS}, and at {@code WS_MAX_CONNECTIONS_PER_CLIENT} per client address; over
 *       capacity the handshake is refused with 503 and {@code Retry-After}; a browser origin not in
 *       {@code WS_ALLOWED_ORIGINS} is refused with 403.
 * </ul>
 *
 * <p>{@link #close()} shuts down gracefully: readiness fails at once, requests keep being served
 * for half the drain time ({@code reliability.health.shutdown-drain-time}, 10s here), WebSocket
 * clients get close code 1001, in-flight requests finish, and everything stops within the drain
 * time. {@link #main} runs it from a JVM shutdown hook and exits with status 0.
 */
public final class ExampleService implements AutoCloseable {

  /** The configuration prefix of the example's own settings. */
  public static final String CONFIG_PREFIX = "example";

  /** The HTTP port on 127.0.0.1; 0 picks a free one. Environment variable {@code PORT}. */
  public static final Setting<Integer> PORT =
      Setting.intSetting("port")
          .defaultValue(8080)
          .between(0, 65535)
          .description("HTTP port on 127.0.0.1, 0 for a free one (environment variable PORT)")
          .build();

  /** The capacity of the WebSocket registry. Environment variable {@code WS_MAX_CONNECTIONS}. */
  public static final Setting<Integer> WS_MAX_CONNECTIONS =
      Setting.intSetting("ws-max-connections")
          .defaultValue(1000)
          .between(1, 1_000_000)
          .description(
              "Maximum concurrent WebSocket connections on /ws (environment variable"
                  + " WS_MAX_CONNECTIONS)")
          .build();

  /**
   * The bearer token that {@code /admin/*} requires; unset, {@code /admin/*} answers loopback
   * clients only. Environment variable {@code ADMIN_TOKEN}.
   */
  public static final Setting<String> ADMIN_TOKEN =
      Setting.stringSetting("admin-token")
          .rule(
              v -> !v.isBlank() && v.length() <= 1024 && v.strip().equals(v),
              "a non-blank text of at most 1024 characters without surrounding spaces")
          .description(
              "Bearer token required by /admin/*; unset: /admin/* answers loopback clients only"
                  + " (environment variable ADMIN_TOKEN)")
          .build();

  /**
   * A properties or YAML file of reliability keys, applied at start and again whenever it changes
   * (live reconfiguration). Environment variable {@code RELIABILITY_CONFIG_FILE}.
   */
  public static final Setting<String> CONFIG_FILE =
      Setting.stringSetting("config-file")
          .rule(
              v -> !v.isBlank() && v.length() <= 4096,
              "a path of a .properties, .yaml or .yml file, at most 4096 characters")
          .description(
              "Properties or YAML file of reliability keys, applied at start and re-read every 10"
                  + " seconds; unset: none (environment variable RELIABILITY_CONFIG_FILE)")
          .build();

  /** Every setting of the example, for the configuration reference. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          PORT,
          WS_MAX_CONNECTIONS,
          WebSocketAdmission.MAX_PER_CLIENT,
          WebSocketAdmission.ALLOWED_ORIGINS,
          ADMIN_TOKEN,
          CONFIG_FILE,
          FleetLimits.REDIS_URL,
          FleetLimits.RATE_LIMIT,
          FleetLimits.MAX_CONCURRENT_CALLS);

  /** The short environment variable names the example also reads. */
  static final Map<String, String> ALIASES =
      Map.of(
          "example.port",
          "PORT",
          "example.ws-max-connections",
          "WS_MAX_CONNECTIONS",
          "example.ws-max-connections-per-client",
          "WS_MAX_CONNECTIONS_PER_CLIENT",
          "example.ws-allowed-origins",
          "WS_ALLOWED_ORIGINS",
          "example.admin-token",
          "ADMIN_TOKEN",
          "example.config-file",
          "RELIABILITY_CONFIG_FILE",
          "example.redis-url",
          "REDIS_URL",
          "example.fleet-rate-limit",
          "FLEET_RATE_LIMIT",
          "example.fleet-max-concurrent-calls",
          "FLEET_MAX_CONCURRENT_CALLS",
          "reliability.fleet.expected-instances",
          "FLEET_EXPECTED_INSTANCES");

  /** The name of the policy that guards the backend calls (and of its configuration keys). */
  static final String POLICY = "quote-backend";

  /** The drain time unless {@code reliability.health.shutdown-drain-time} says otherwise. */
  static final Duration DRAIN_TIME = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(ExampleService.class);

  private final Server server;
  private final ServerConnector connector;
  private final QuoteBackend backend;
  private final PolicyRegistry policies;
  private final Policy policy;
  private final HealthCheckRegistry health;
  private final ReliabilityMetrics metrics;
  private final LeakDetector leaks;
  private final ConnectionRegistry<Session> connections;
  private final ServiceTracing tracing;
  private final LoadShedder shedder;
  private final ConfigReloader reloader;
  private final FleetLimits fleet;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ExampleService(Parts p) {
    this.server = p.server;
    this.connector = p.connector;
    this.backend = p.backend;
    this.policies = p.policies;
    this.policy = p.policy;
    this.health = p.health;
    this.metrics = p.metrics;
    this.leaks = p.leaks;
    this.connections = p.connections;
    this.tracing = p.tracing;
    this.shedder = p.shedder;
    this.reloader = p.reloader;
    this.fleet = p.fleet;
  }

  /**
   * Starts the example from the environment and stops it gracefully on SIGTERM.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    ExampleService service;
    try {
      service = build(ConfigSource.standard().withAliases(ALIASES));
    } catch (Exception e) {
      log.error("the example did not start: {}", e.getMessage(), e);
      stopLogging();
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  int status = 0;
                  try {
                    service.close();
                  } catch (RuntimeException e) {
                    log.error("graceful shutdown failed", e);
                    status = 1;
                  }
                  stopLogging();
                  // SIGTERM would otherwise end the JVM with 143; a completed drain is a clean
                  // exit.
                  Runtime.getRuntime().halt(status);
                },
                "example-shutdown"));
    // Announced only now, so a SIGTERM sent as soon as the line appears meets the hook.
    service.announce();
  }

  /**
   * Builds and starts everything, and logs the startup line.
   *
   * @param source where settings come from (system properties and environment in {@link #main})
   * @return the running service
   * @throws Exception if a setting is invalid or a port cannot be bound
   */
  static ExampleService start(ConfigSource source) throws Exception {
    ExampleService service = build(source);
    service.announce();
    return service;
  }

  private static ExampleService build(ConfigSource source) throws Exception {
    ConfigBinder config = ConfigBinder.of(source, CONFIG_PREFIX);
    int port = config.get(PORT);
    int wsMax = config.get(WS_MAX_CONNECTIONS);
    int wsMaxPerClient = config.get(WebSocketAdmission.MAX_PER_CLIENT);
    WebSocketAdmission wsAdmission =
        new WebSocketAdmission(config.get(WebSocketAdmission.ALLOWED_ORIGINS));
    String adminToken = config.find(ADMIN_TOKEN).orElse(null);
    Optional<String> redisUrl = config.find(FleetLimits.REDIS_URL);
    int fleetRateLimit = config.get(FleetLimits.RATE_LIMIT);
    int fleetMaxConcurrentCalls = config.get(FleetLimits.MAX_CONCURRENT_CALLS);
    config.throwIfInvalid();
    // Without it the JDK HttpServer's small writes meet Nagle's algorithm (docs/health.md).
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    Parts p = new Parts();
    try {
      // Errors, request IDs, tracing (off unless RELIABILITY_TRACING_ENABLED=true).
      ProblemDetailFactory problems = ProblemDetailFactory.builder().configSource(source).build();
      p.tracing =
          ServiceTracing.builder().serviceName("reliability-example").configSource(source).build();
      // The caller's deadline (X-Request-Timeout-Ms), read by the filters, sent to the backend.
      DeadlineHeader deadlineHeader = DeadlineHeader.ofDefaults().withOverrides(source);
      RequestTracing requestTracing =
          RequestTracing.builder()
              .tracing(p.tracing)
              .sanitizer(RequestIdSanitizer.builder().configSource(source).build())
              .deadlineHeader(deadlineHeader)
              .build();

      // The downstream dependency, and the policy that guards calls to it.
      p.backend = QuoteBackend.start(requestTracing, problems);
      p.policies =
          PolicyRegistry.builder()
              .configSource(source)
              .template("backend", backendPolicy())
              .build();
      p.policy = p.policies.policy(POLICY, "backend");
      // Live reconfiguration: the policies follow an optional file of reliability keys.
      Optional<String> configFile = config.find(CONFIG_FILE);
      if (configFile.isPresent()) {
        p.reloader =
            ConfigReloader.builder(p.policies, Path.of(configFile.get())).fallback(source).start();
      }
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(1))
              .build();
      ObjectMapper json = new ObjectMapper();
      QuoteClient quotes =
          new QuoteClient(
              client,
              HttpClientTracing.create(p.tracing).withDeadlineHeader(deadlineHeader),
              p.backend.uri(),
              p.policy,
              json);

      // WebSocket connections, bounded.
      p.connections =
          ConnectionRegistry.builder(JettyConnections.transport())
              .config(
                  ConnectionRegistryConfig.builder()
                      .name("websocket")
                      .maxConnections(wsMax)
                      .maxConnectionsPerKey(wsMaxPerClient)
                      .build())
              .configSource(source)
              .build();

      // Metrics.
      p.metrics =
          ReliabilityMetrics.builder().service("reliability-example").configSource(source).build();
      MeterRegistry meters = p.metrics.registry();
      HttpServerMetrics http = p.metrics.httpServer();

      // Leak detection: the heap, the JVM's gauges and the WebSocket registry.
      p.leaks =
          LeakDetector.builder()
              .name("example")
              .config(LeakDetectorConfig.ofDefaults().withOverrides(source))
              .gauge(LeakGauge.builder("websocket.connections", p.connections::activeCount).build())
              .build()
              .start();

      // Health.
      p.health =
          HealthCheckRegistry.builder()
              .configSource(source)
              .shutdownDrainTime(DRAIN_TIME)
              .performanceSource(() -> performance(http))
              .build();
      p.health.register(POLICY + "-circuit", CircuitBreakerHealthCheck.of(p.policy));
      p.health.register("websocket-connections", ConnectionRegistryHealthCheck.of(p.connections));
      p.health.register("leak-detector", LeakDetectorHealthCheck.of(p.leaks));
      p.health.register("jvm-memory", JvmMemoryHealthCheck.ofDefaults());
      p.health.register(
          "deadlocks",
          ThreadHealthCheck.ofDefaults(),
          HealthCheckConfig.builder().groups(HealthGroups.LIVENESS).build());

      // Binders: policies, health, leak detector, registry (HTTP and JVM are bound already).
      PolicyMetrics.of(p.policies).bindTo(meters);
      PolicyMetrics.of(p.backend.policy()).bindTo(meters); // the backend's chaos injections
      HealthMetrics.of(p.health).bindTo(meters);
      LeakDetectorMetrics.of(p.leaks).bindTo(meters);
      ConnectionRegistryMetrics.of(p.connections).bindTo(meters);

      // The HTTP server.
      ServletContextHandler context = new ServletContextHandler("/");
      EnumSet<DispatcherType> requests = EnumSet.of(DispatcherType.REQUEST);
      context.addFilter(
          new FilterHolder(new RequestContextServletFilter(requestTracing)), "/*", requests);
      context.addFilter(
          new FilterHolder(HttpServerMetricsServletFilter.create(http)), "/*", requests);
      context.addFilter(new FilterHolder(new ProblemJsonServletFilter(problems)), "/*", requests);
      context.addFilter(new FilterHolder(new AdminAccess(adminToken)), "/admin/*", requests);
      // Load shedding in front of the API only: probes, metrics and admin are never shed. Inside
      // the request-context and metrics filters, so a shed 503 carries the request ID and counts.
      p.shedder =
          LoadShedder.builder(LoadSheddingConfig.ofDefaults().withOverrides(source))
              .name("example-api")
              .problemDetailFactory(problems)
              .build();
      LoadSheddingMetrics.of(p.shedder).bindTo(meters);
      context.addFilter(
          new FilterHolder(LoadSheddingServletFilter.create(p.shedder)), "/api/*", requests);
      // With REDIS_URL: /api/quote within the rate and concurrency limits every instance shares.
      if (redisUrl.isPresent()) {
        p.fleet =
            FleetLimits.start(redisUrl.get(), fleetRateLimit, fleetMaxConcurrentCalls, source);
        p.fleet.register(p.health, meters);
        context.addFilter(new FilterHolder(p.fleet.filter()), "/api/quote", requests);
      }
      context.addServlet(new ServletHolder(new Endpoints.QuoteServlet(quotes, json)), "/api/quote");
      context.addServlet(new ServletHolder(new Endpoints.ChaosServlet(quotes)), "/admin/chaos");
      context.addServlet(
          new ServletHolder(
              new HealthServlet(
                  p.health,
                  HealthEndpointConfig.builder()
                      .showDetails(ShowDetails.ALWAYS)
                      .serviceName("reliability-example")
                      .build()
                      .withOverrides(source))),
          "/health/*");
      if (p.metrics.prometheus().isPresent()) {
        context.addServlet(
            new ServletHolder(new PrometheusScrapeServlet(p.metrics.prometheus().get())),
            "/metrics");
      }
      context.addServlet(new ServletHolder(new Endpoints.NotFoundServlet()), "/");

      QueuedThreadPool threads = new QueuedThreadPool(200, 8);
      threads.setName("example-http");
      p.server = new Server(threads);
      HttpConfiguration httpConfig = new HttpConfiguration();
      httpConfig.setSendServerVersion(false);
      p.connector = new ServerConnector(p.server, new HttpConnectionFactory(httpConfig));
      p.connector.setHost("127.0.0.1");
      p.connector.setPort(port);
      p.server.addConnector(p.connector);
      p.server.setErrorHandler(new ProblemErrorHandler(problems, requestTracing.sanitizer()));
      WebSocketUpgradeHandler webSockets =
          WebSocketUpgradeHandler.from(
              p.server,
              container ->
                  container.addMapping(
                      "/ws", webSocketCreator(p.connections, wsAdmission, requestTracing)));
      webSockets.setHandler(context);
      p.server.setHandler(new GracefulHandler(webSockets));
      p.server.start();
    } catch (Exception | Error e) {
      new ExampleService(p).stopAll();
      throw e;
    }

    ExampleService service = new ExampleService(p);
    service.health.lifecycle().markStartupComplete();
    return service;
  }

  /** Logs the one startup line: the port, the backend's port and the main settings. */
  private void announce() {
    int actual = port();
    log.info(
        "reliability example listening on http://127.0.0.1:{}",
        actual,
        kv("port", actual),
        kv("backend_port", backend.uri().getPort()),
        kv("ws_max_connections", connections.config().maxConnections()),
        kv("ws_max_connections_per_client", connections.config().maxConnectionsPerKey()),
        kv("drain_time_ms", health.lifecycle().drainTime().toMillis()),
        kv("fleet_limits", fleet != null));
  }

  /**
   * The policy of the backend calls, before configuration keys are applied (every value can be
   * changed through {@code RELIABILITY_<COMPONENT>_QUOTE_BACKEND_<SETTING>}, see docs/example.md).
   *
   * @return the template
   */
  static PolicyConfig backendPolicy() {
    return PolicyConfig.builder()
        .circuitBreaker(
            CircuitBreakerConfig.builder()
                .failureThreshold(5)
                .waitInOpen(Duration.ofSeconds(5))
                .halfOpenCalls(2)
                .build())
        .retry(
            RetryConfig.builder()
                .maxRetries(2)
                .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(500)))
                .budget(RetryBudget.of(0.2, 10))
                // A slow backend does not get faster: answer 504 after one time limit.
                .abortOn(ServiceTimeoutException.class)
                .build())
        .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(1)))
        .bulkhead(BulkheadConfig.ofMaxConcurrentCalls(25))
        .build();
  }

  private static ServicePerformance performance(HttpServerMetrics http) {
    long requests = http.requestCount();
    long errors = Math.min(http.serverErrorCount(), requests);
    return new ServicePerformance(requests, errors, http.averageDuration());
  }

  /**
   * Refuses browser origins that are not allowed (403), admits the rest through the registry under
   * the client's address (503 with {@code Retry-After} when full, globally or for the address) and
   * gives the handshake answer an {@code X-Request-ID}, as the servlet filter does for the rest.
   */
  private static WebSocketCreator webSocketCreator(
      ConnectionRegistry<Session> connections,
      WebSocketAdmission admission,
      RequestTracing requestTracing) {
    WebSocketCreator admit =
        JettyConnections.admit(
            connections,
            WebSocketAdmission::clientKey,
            (request, response, callback) -> new EchoEndpoint(connections));
    return (request, response, callback) -> {
      String id =
          requestTracing.sanitizer().sanitize(request.getHeaders().get(TracingHeaders.REQUEST_ID));
      response.getHeaders().put(TracingHeaders.REQUEST_ID, id);
      try (ContextScope scope = RequestContext.of(id).bind()) {
        if (!admission.originAllowed(request)) {
          log.warn("websocket refused: origin not allowed");
          WebSocketAdmission.forbid(response, callback);
          return null;
        }
        String client = WebSocketAdmission.clientKey(request);
        Object endpoint = admit.createWebSocket(request, response, callback);
        if (endpoint == null) {
          log.warn(
              "websocket refused: at capacity",
              kv("active", connections.activeCount()),
              kv("max_connections", connections.config().maxConnections()),
              kv("client_connections", client == null ? 0 : connections.count(client)),
              kv("max_connections_per_client", connections.config().maxConnectionsPerKey()));
        } else {
          log.debug("websocket accepted", kv("active", connections.activeCount()));
        }
        return endpoint;
      }
    };
  }

  /**
   * Returns the port the service listens on.
   *
   * @return the local port
   */
  int port() {
    return connector.getLocalPort();
  }

  ConfigReloader reloader() {
    return reloader;
  }

  Policy policy() {
    return policy;
  }

  LoadShedder shedder() {
    return shedder;
  }

  HealthCheckRegistry health() {
    return health;
  }

  ConnectionRegistry<Session> connections() {
    return connections;
  }

  QuoteBackend backend() {
    return backend;
  }

  Optional<FleetLimits> fleet() {
    return Optional.ofNullable(fleet);
  }

  /**
   * Shuts down gracefully within the drain time: readiness fails at once; requests are served for
   * half the drain time so load balancers notice; WebSocket clients get the registry's shutdown
   * close code (1001); Jetty stops accepting and lets in-flight requests finish; then the rest
   * stops. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long start = System.nanoTime();
    Duration drain = health.lifecycle().drainTime();
    long deadline = start + drain.toNanos();
    log.info(
        "shutting down: readiness fails now",
        kv("drain_time_ms", drain.toMillis()),
        kv("websocket_connections", connections.activeCount()));
    health.lifecycle().beginShutdown();
    try {
      TimeUnit.NANOSECONDS.sleep(Math.max(0, start + drain.toNanos() / 2 - System.nanoTime()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long left = Math.max(0, deadline - System.nanoTime());
    boolean wsClosed = connections.shutdown(Duration.ofNanos(left / 3));
    server.setStopTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("the HTTP server did not stop cleanly", e);
    }
    stopAll();
    log.info(
        "stopped",
        kv("took_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)),
        kv("websockets_closed_in_time", wsClosed));
  }

  private void stopAll() {
    if (server != null) {
      try {
        server.stop();
      } catch (Exception e) {
        log.warn("the HTTP server did not stop cleanly", e);
      }
    }
    if (connections != null) {
      connections.close();
    }
    if (fleet != null) {
      fleet.close();
    }
    if (backend != null) {
      backend.close();
    }
    if (reloader != null) {
      reloader.close();
    }
    if (policies != null) {
      policies.close();
    }
    if (health != null) {
      health.close();
    }
    if (leaks != null) {
      leaks.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (tracing != null) {
      tracing.close();
    }
  }

  private static void stopLogging() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
      logback.stop(); // flushes the asynchronous appender
    }
  }

  /** What {@link #start} has built so far, so a failed start can stop it. */
  private static final class Parts {
    Server server;
    ServerConnector connector;
    QuoteBackend backend;
    PolicyRegistry policies;
    Policy policy;
    HealthCheckRegistry health;
    ReliabilityMetrics metrics;
    LeakDetector leaks;
    ConnectionRegistry<Session> connections;
    ServiceTracing tracing;
    LoadShedder shedder;
    ConfigReloader reloader;
    FleetLimits fleet;
  }
}
