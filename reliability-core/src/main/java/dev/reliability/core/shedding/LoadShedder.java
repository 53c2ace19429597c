package dev.reliability.core.shedding;

import dev.reliability.core.context.RequestContext;
import dev.reliability.core.context.RequestIdSanitizer;
import dev.reliability.core.error.ConcurrencyLimitExceededException;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.AdaptiveLimiter;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.core.time.TimeSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Inbound load shedding on an {@link AdaptiveLimiter}, independent of the HTTP server: decides per
 * request whether it is exempt, which traffic class it belongs to and whether the limit admits it,
 * ends admitted requests with their latency as the limiter's sample, and builds the {@code 503}
 * problem body of a shed request. The filters {@code
 * dev.reliability.core.shedding.httpserver.LoadSheddingFilter} (JDK {@code HttpServer}) and {@code
 * dev.reliability.core.shedding.servlet.LoadSheddingServletFilter} (Jakarta Servlet) call it.
 *
 * <pre>{@code
 * LoadShedder shedder = LoadShedder.create(LoadSheddingConfig.ofDefaults());
 * LoadShedder.Ticket ticket = shedder.acquire("GET", "/api/quote", headers::get);
 * if (!ticket.admitted()) {
 *   ProblemDetail problem = shedder.problem(ticket, shedder.requestId(headers::get), "/api/quote");
 *   // answer problem.status() with problem.toJson() and Retry-After
 * } else {
 *   try {
 *     int status = handle();
 *     ticket.complete(status);
 *   } catch (RuntimeException e) {
 *     ticket.fail(e);
 *     throw e;
 *   }
 * }
 * }</pre>
 *
 * <p>How a request ends decides the limiter's sample: a response below 500 is a success with its
 * latency; a time-out (504, or a failure the {@link ProblemDetailFactory}'s classifier maps to 504)
 * is a drop, the strong signal that requests wait too long here; any other 5xx, a failure and a
 * request abandoned before a response (a client that went away) end without a sample, because a
 * fast failure (an open breaker's 503, a bug's 500) says nothing about this server's capacity and
 * would pull the latency baseline down.
 *
 * <p>Thread-safe. Deciding takes no lock; an admitted request allocates its {@link Ticket}, a shed
 * or exempt one does not (building the problem body does).
 */
public final class LoadShedder {

  /**
   * The longest traffic-class value read; a longer one is treated as unknown without reading it.
   */
  public static final int MAX_TRAFFIC_CLASS_LENGTH = 64;

  private static final String REQUEST_ID_HEADER = "X-Request-ID";

  private final LoadSheddingConfig config;
  private final AdaptiveLimiter limiter;
  private final TimeSource time;
  private final ProblemDetailFactory problems;
  private final RequestIdSanitizer requestIds;
  private final TrafficClassifier classifier;
  private final String[] exemptPaths;
  private final AdaptiveLimiter.Partition[] partitions;
  private final Ticket[] shedTickets;
  private final LongAdder[] shed;
  private final LongAdder admitted = new LongAdder();
  private final LongAdder exempt = new LongAdder();
  private final LongAdder unknownClasses = new LongAdder();
  private final long retryAfterNanos;
  private final Ticket exemptTicket;

  private LoadShedder(Builder b) {
    this.config = b.config;
    this.time = b.time;
    this.limiter = AdaptiveLimiter.create(b.name, config.limit(), time);
    this.problems = b.problems;
    this.requestIds = b.requestIds;
    this.classifier = b.classifier != null ? b.classifier : headerClassifier(config);
    this.exemptPaths = config.exemptPaths().toArray(new String[0]);
    List<String> names = new java.util.ArrayList<>();
    names.add(AdaptiveLimiter.DEFAULT_PARTITION);
    names.addAll(config.limit().partitions().keySet());
    this.partitions = new AdaptiveLimiter.Partition[names.size()];
    this.shedTickets = new Ticket[names.size()];
    this.shed = new LongAdder[names.size()];
    for (int i = 0; i < names.size(); i++) {
      partitions[i] = limiter.partition(names.get(i));
      shedTickets[i] = new Ticket(this, null, names.get(i), 0, false);
      shed[i] = new LongAdder();
    }
    this.exemptTicket = new Ticket(this, null, null, 0, true);
    this.retryAfterNanos = config.retryAfter().toNanos();
  }

  /**
   * Creates a shedder with the defaults: its limiter named {@code inbound} on the system clock, the
   * default {@link ProblemDetailFactory} and request-ID sanitizer, and the header classifier.
   *
   * @param config the configuration
   * @return the shedder
   */
  public static LoadShedder create(LoadSheddingConfig config) {
    return builder(config).build();
  }

  /**
   * Starts a builder.
   *
   * @param config the configuration
   * @return a builder
   */
  public static Builder builder(LoadSheddingConfig config) {
    return new Builder(Checks.notNull("config", config));
  }

  private static TrafficClassifier headerClassifier(LoadSheddingConfig config) {
    String header = config.trafficClassHeader();
    if (header.isEmpty()) {
      return (method, path, headers) -> null;
    }
    return (method, path, headers) -> headers.apply(header);
  }

  /**
   * Decides about a request: exempt (its path is exempt, or shedding is disabled), admitted with a
   * permit of its traffic class, or shed. Never blocks and never throws for any input.
   *
   * @param method the request method
   * @param path the request path as received (not decoded)
   * @param headers the first value of a request header by name, or null
   * @return the ticket: end an admitted one with exactly one of {@link Ticket#complete(int)},
   *     {@link Ticket#fail(Throwable)} or {@link Ticket#abandon()} (further calls are ignored)
   */
  public Ticket acquire(String method, String path, Function<String, String> headers) {
    if (!config.enabled() || isExempt(path)) {
      exempt.increment();
      return exemptTicket;
    }
    int slot = slot(method, path, headers);
    AdaptiveLimiter.Partition partition = partitions[slot];
    long start = time.nanoTime();
    if (!partition.tryAcquire()) {
      shed[slot].increment();
      return shedTickets[slot];
    }
    admitted.increment();
    return new Ticket(this, partition, partition.name(), start, false);
  }

  /**
   * Returns whether a path is never shed: it equals an exempt path or continues one at a {@code /}.
   * A path holding {@code %} or a {@code .} or {@code ..} segment is never exempt. Linear in the
   * path's length.
   *
   * @param path the request path, or null
   * @return whether it is exempt
   */
  public boolean isExempt(String path) {
    if (path == null || path.indexOf('%') >= 0 || hasDotSegment(path)) {
      return false;
    }
    for (String p : exemptPaths) {
      if (path.startsWith(p)
          && (path.length() == p.length()
              || p.charAt(p.length() - 1) == '/'
              || path.charAt(p.length()) == '/')) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasDotSegment(String path) {
    int i = path.indexOf("/.");
    while (i >= 0) {
      int end = i + 2;
      if (end < path.length() && path.charAt(end) == '.') {
        end++;
      }
      if (end == path.length() || path.charAt(end) == '/') {
        return true;
      }
      i = path.indexOf("/.", i + 1);
    }
    return false;
  }

  /**
   * Returns the traffic class a request would draw from.
   *
   * @param method the request method
   * @param path the request path
   * @param headers the first value of a request header by name, or null
   * @return the partition's name, {@value AdaptiveLimiter#DEFAULT_PARTITION} when the request names
   *     no known class
   */
  public String trafficClass(String method, String path, Function<String, String> headers) {
    return partitions[slot(method, path, headers)].name();
  }

  private int slot(String method, String path, Function<String, String> headers) {
    if (partitions.length == 1) {
      return 0;
    }
    String value;
    try {
      value = classifier.classify(method, path, headers);
    } catch (RuntimeException e) {
      value = null;
    }
    if (value == null) {
      return 0;
    }
    int slot = slotOf(value);
    if (slot < 0) {
      unknownClasses.increment();
      return 0;
    }
    return slot;
  }

  /** Finds the partition a class value names: surrounding blanks ignored, case sensitive. */
  static int slotOf(String value, AdaptiveLimiter.Partition[] partitions) {
    if (value.length() > MAX_TRAFFIC_CLASS_LENGTH + 16) {
      return -1;
    }
    int from = 0;
    int to = value.length();
    while (from < to && (value.charAt(from) == ' ' || value.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (value.charAt(to - 1) == ' ' || value.charAt(to - 1) == '\t')) {
      to--;
    }
    int length = to - from;
    if (length == 0 || length > MAX_TRAFFIC_CLASS_LENGTH) {
      return -1;
    }
    for (int i = 1; i < partitions.length; i++) {
      String name = partitions[i].name();
      if (name.length() == length && value.regionMatches(from, name, 0, length)) {
        return i;
      }
    }
    return -1;
  }

  private int slotOf(String value) {
    return slotOf(value, partitions);
  }

  /**
   * Returns the request ID for a response: the one of the request context bound to this thread (set
   * by the tracing module's filters when they run first), else the {@code X-Request-ID} header if
   * the sanitizer accepts it, else a fresh one.
   *
   * @param headers the first value of a request header by name, or null
   * @return the request ID, never null
   */
  public String requestId(Function<String, String> headers) {
    String current = RequestContext.currentRequestId();
    if (current != null) {
      return current;
    }
    String incoming;
    try {
      incoming = headers.apply(REQUEST_ID_HEADER);
    } catch (RuntimeException e) {
      incoming = null;
    }
    return requestIds.sanitize(incoming);
  }

  /**
   * Builds the problem body of a shed request from a {@link ConcurrencyLimitExceededException}:
   * 503, code {@code CONCURRENCY_LIMIT_EXCEEDED}, retryable, with the retry-after hint, the request
   * ID, the path, and the limit and traffic class in its details.
   *
   * @param ticket the ticket of the shed request
   * @param requestId the request ID, or null
   * @param path the request path, or null
   * @return the problem
   */
  public ProblemDetail problem(Ticket ticket, String requestId, String path) {
    Checks.notNull("ticket", ticket);
    return problems.create(rejection(ticket.trafficClass()), requestId, path);
  }

  private RuntimeException rejection(String trafficClass) {
    return new ConcurrencyLimitExceededException(
        limiter.name(), limiter.limit(), trafficClass, retryAfterNanos);
  }

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  public LoadSheddingConfig config() {
    return config;
  }

  /**
   * Returns the limiter, for its limit, in-flight count, latency estimate and per-partition counts.
   *
   * @return the limiter
   */
  public AdaptiveLimiter limiter() {
    return limiter;
  }

  /**
   * Returns the requests admitted since creation.
   *
   * @return the admitted requests
   */
  public long admittedCount() {
    return admitted.sum();
  }

  /**
   * Returns the requests passed without a permit since creation: exempt paths, or all while
   * shedding is disabled.
   *
   * @return the exempt requests
   */
  public long exemptCount() {
    return exempt.sum();
  }

  /**
   * Returns the requests shed since creation.
   *
   * @return the shed requests of every class
   */
  public long shedCount() {
    long sum = 0;
    for (LongAdder s : shed) {
      sum += s.sum();
    }
    return sum;
  }

  /**
   * Returns the requests of a traffic class shed since creation.
   *
   * @param trafficClass a partition's name, or {@value AdaptiveLimiter#DEFAULT_PARTITION}
   * @return the shed requests of the class, 0 for an unknown class
   */
  public long shedCount(String trafficClass) {
    for (int i = 0; i < partitions.length; i++) {
      if (partitions[i].name().equals(trafficClass)) {
        return shed[i].sum();
      }
    }
    return 0;
  }

  /**
   * Returns the shed requests per traffic class.
   *
   * @return an ordered map of class name to count, the default partition first
   */
  public Map<String, Long> shedCounts() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < partitions.length; i++) {
      out.put(partitions[i].name(), shed[i].sum());
    }
    return out;
  }

  /**
   * Returns the requests that named a traffic class the limit does not have (or a value longer than
   * {@value #MAX_TRAFFIC_CLASS_LENGTH} characters) and went to the default partition.
   *
   * @return the unknown class values seen
   */
  public long unknownTrafficClassCount() {
    return unknownClasses.sum();
  }

  @Override
  public String toString() {
    return "LoadShedder["
        + limiter.name()
        + ", limit="
        + limiter.limit()
        + ", inFlight="
        + limiter.inFlight()
        + ", admitted="
        + admittedCount()
        + ", shed="
        + shedCount()
        + "]";
  }

  /**
   * The decision about one request. An admitted ticket holds a permit until it is ended once;
   * exempt and shed tickets hold none, and ending them does nothing. Thread-safe: the first of
   * {@link #complete(int)}, {@link #fail(Throwable)} and {@link #abandon()} releases the permit and
   * later calls, from any thread, are ignored.
   */
  public static final class Ticket {
    private static final VarHandle ENDED;

    static {
      try {
        ENDED = MethodHandles.lookup().findVarHandle(Ticket.class, "ended", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final LoadShedder shedder;
    private final AdaptiveLimiter.Partition partition;
    private final String trafficClass;
    private final long startNanos;
    private final boolean exempt;

    /**
     * 0 while the permit is held, 1 once released. Invariant: only the thread whose compare-and-set
     * moves it from 0 to 1 releases the permit, so a permit is released at most once whatever mix
     * of complete, fail and abandon races on it; it never moves back to 0.
     */
    @SuppressWarnings("unused")
    private volatile int ended;

    Ticket(
        LoadShedder shedder,
        AdaptiveLimiter.Partition partition,
        String trafficClass,
        long startNanos,
        boolean exempt) {
      this.shedder = shedder;
      this.partition = partition;
      this.trafficClass = trafficClass;
      this.startNanos = startNanos;
      this.exempt = exempt;
    }

    /**
     * Returns whether the request may go ahead: admitted with a permit, or exempt.
     *
     * @return false if the request is shed
     */
    public boolean admitted() {
      return exempt || partition != null;
    }

    /**
     * Returns whether the request passed without a permit (an exempt path, or shedding disabled).
     *
     * @return whether the request is exempt
     */
    public boolean exempt() {
      return exempt;
    }

    /**
     * Returns the traffic class the request drew from.
     *
     * @return the partition's name, or null for an exempt request
     */
    public String trafficClass() {
      return trafficClass;
    }

    /**
     * Ends the request with the status it was answered with; see {@link LoadShedder} for which
     * statuses are samples.
     *
     * @param status the HTTP status sent, or a negative value if none was sent
     */
    public void complete(int status) {
      if (!claim()) {
        return;
      }
      if (status == 504) {
        partition.onDropped(latency());
      } else if (status >= 0 && status < 500) {
        partition.onSuccess(latency());
      } else {
        partition.onIgnored();
      }
    }

    /**
     * Ends the request with a failure that escaped the handler: a drop if the failure is classified
     * as a time-out (504), otherwise without a sample.
     *
     * @param failure the failure
     */
    public void fail(Throwable failure) {
      if (!claim()) {
        return;
      }
      int status = 500;
      try {
        status = shedder.problems.classifier().classify(failure).httpStatus();
      } catch (RuntimeException e) {
        // A classifier that throws leaves the failure unclassified: no sample.
      }
      if (status == 504) {
        partition.onDropped(latency());
      } else {
        partition.onIgnored();
      }
    }

    /** Ends the request without a sample, such as when the client went away before the answer. */
    public void abandon() {
      if (claim()) {
        partition.onIgnored();
      }
    }

    private boolean claim() {
      return partition != null && ENDED.compareAndSet(this, 0, 1);
    }

    private long latency() {
      return shedder.time.nanoTime() - startNanos;
    }

    @Override
    public String toString() {
      return exempt
          ? "Ticket[exempt]"
          : "Ticket[" + trafficClass + ", " + (partition == null ? "shed" : "admitted") + "]";
    }
  }

  /** Builds a {@link LoadShedder}. Not thread-safe. */
  public static final class Builder {
    private final LoadSheddingConfig config;
    private String name = "inbound";
    private TimeSource time = TimeSource.system();
    private ProblemDetailFactory problems = ProblemDetailFactory.ofDefaults();
    private RequestIdSanitizer requestIds = RequestIdSanitizer.ofDefaults();
    private TrafficClassifier classifier;

    private Builder(LoadSheddingConfig config) {
      this.config = config;
    }

    /**
     * Sets the limiter's name, shown in rejections and metrics. Default {@code inbound}.
     *
     * @param name not blank
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder name(String name) {
      this.name = Checks.notBlank("name", name);
      return this;
    }

    /**
     * Sets the time source of latencies and of the limiter's windows. Default the system clock;
     * tests pass a manual one.
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Checks.notNull("time", time);
      return this;
    }

    /**
     * Sets the factory of problem bodies (and the classifier of failures that escape a handler).
     * Default {@link ProblemDetailFactory#ofDefaults()}.
     *
     * @param problems the factory
     * @return this builder
     */
    public Builder problemDetailFactory(ProblemDetailFactory problems) {
      this.problems = Checks.notNull("problems", problems);
      return this;
    }

    /**
     * Sets the sanitizer of incoming request IDs used when no request context is bound. Default
     * {@link RequestIdSanitizer#ofDefaults()}.
     *
     * @param requestIds the sanitizer
     * @return this builder
     */
    public Builder requestIdSanitizer(RequestIdSanitizer requestIds) {
      this.requestIds = Checks.notNull("requestIds", requestIds);
      return this;
    }

    /**
     * Sets how a request's traffic class is found, in place of the configured header. Default: the
     * value of {@link LoadSheddingConfig#trafficClassHeader()}.
     *
     * @param classifier the classifier
     * @return this builder
     */
    public Builder trafficClassifier(TrafficClassifier classifier) {
      this.classifier = Checks.notNull("classifier", classifier);
      return this;
    }

    /**
     * Builds the shedder and its limiter.
     *
     * @return the shedder
     */
    public LoadShedder build() {
      return new LoadShedder(this);
    }
  }
}
