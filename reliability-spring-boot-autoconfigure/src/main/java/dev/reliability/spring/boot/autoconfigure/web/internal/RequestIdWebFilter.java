package dev.reliability.spring.boot.autoconfigure.web.internal;

import dev.reliability.core.context.Deadline;
import dev.reliability.core.context.DeadlineHeader;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.context.RequestContextAccessor;
import dev.reliability.core.context.RequestIdSanitizer;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.core.time.TimeSource;
import java.util.Objects;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * The request-ID filter of Spring WebFlux applications: accepts {@code X-Request-ID} when the
 * {@link RequestIdSanitizer} does and mints a fresh one otherwise, sets it on the response, reads
 * the caller's deadline, and carries a {@link RequestContext} (ID, method, path, deadline) to the
 * handler in Reactor's {@code Context} under {@link RequestContextAccessor#KEY}. With Reactor's
 * automatic context propagation on ({@code spring.reactor.context-propagation=auto}), the
 * context-propagation library restores it, with its MDC mirror, on every thread the handler's
 * operators run on. The context is also an exchange attribute ({@link #CONTEXT_ATTRIBUTE}) and the
 * request ID a high-cardinality key of Spring's server observation ({@code request.id}). When the
 * exchange ends, one access line is written as the servlet filter writes it (logger {@code
 * dev.reliability.tracing.access}).
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class RequestIdWebFilter implements WebFilter, Ordered {

  /** The filter's order: before Spring Security and every other filter that logs. */
  public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 2;

  /** The header that carries the request ID. */
  public static final String REQUEST_ID_HEADER = "X-Request-ID";

  /** The exchange attribute holding the request's {@link RequestContext}. */
  public static final String CONTEXT_ATTRIBUTE = RequestContext.class.getName();

  private final RequestIdSanitizer sanitizer;
  private final DeadlineHeader deadlineHeader;
  private final TimeSource timeSource;
  private final boolean accessLog;

  /**
   * Creates the filter.
   *
   * @param sanitizer accepts or replaces incoming IDs
   * @param deadlineHeader reads the caller's deadline
   * @param timeSource the clock deadlines and durations are read on
   * @param accessLog whether to write one access line per request
   */
  public RequestIdWebFilter(
      RequestIdSanitizer sanitizer,
      DeadlineHeader deadlineHeader,
      TimeSource timeSource,
      boolean accessLog) {
    this.sanitizer = Objects.requireNonNull(sanitizer, "sanitizer");
    this.deadlineHeader = Objects.requireNonNull(deadlineHeader, "deadlineHeader");
    this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
    this.accessLog = accessLog;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    long start = timeSource.nanoTime();
    ServerHttpRequest request = exchange.getRequest();
    String requestId = sanitizer.sanitize(request.getHeaders().getFirst(REQUEST_ID_HEADER));
    Deadline deadline =
        deadlineHeader.enabled()
            ? deadlineHeader.read(request.getHeaders().getFirst(deadlineHeader.name()), timeSource)
            : null;
    RequestContext context =
        RequestContext.builder(requestId)
            .put("method", request.getMethod().name())
            .put("path", request.getPath().value())
            .deadline(deadline)
            .build();
    exchange.getResponse().getHeaders().set(REQUEST_ID_HEADER, requestId);
    exchange.getAttributes().put(CONTEXT_ATTRIBUTE, context);
    ObservedRequest.tag(
        ServerRequestObservationContext.findCurrent(exchange.getAttributes()).orElse(null),
        requestId);
    return chain
        .filter(exchange)
        .contextWrite(c -> c.put(RequestContextAccessor.KEY, context))
        .doFinally(signal -> accessLine(exchange, context, start, signal));
  }

  private void accessLine(
      ServerWebExchange exchange, RequestContext context, long start, SignalType signal) {
    if (!accessLog) {
      return;
    }
    HttpStatusCode code = exchange.getResponse().getStatusCode();
    int status;
    if (signal == SignalType.CANCEL) {
      status = 499; // the client went away before the answer: nginx's 499, as no status was sent
    } else if (signal == SignalType.ON_ERROR && !exchange.getResponse().isCommitted()) {
      status = 500; // Boot's error handler, further out, has not answered yet
    } else {
      status = code == null ? 200 : code.value();
    }
    Object errorCode = exchange.getAttributes().get(ProblemDetail.ERROR_CODE_ATTRIBUTE);
    ReactiveAccessLog.write(
        context,
        exchange.getRequest().getMethod().name(),
        exchange.getRequest().getPath().value(),
        status,
        timeSource.nanoTime() - start,
        errorCode == null ? null : errorCode.toString());
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  /**
   * Returns the request ID the filter bound to an exchange.
   *
   * @param exchange the exchange
   * @return the ID, or null when the filter did not see the exchange
   */
  public static String requestId(ServerWebExchange exchange) {
    Object context = exchange.getAttributes().get(CONTEXT_ATTRIBUTE);
    return context instanceof RequestContext c ? c.requestId() : null;
  }
}
