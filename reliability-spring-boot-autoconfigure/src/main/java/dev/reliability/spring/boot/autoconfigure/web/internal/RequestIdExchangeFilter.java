package dev.reliability.spring.boot.autoconfigure.web.internal;

import dev.reliability.core.context.DeadlineHeader;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.context.RequestContextAccessor;
import java.util.Objects;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * Sends the current request's ID ({@code X-Request-ID}) and, when it has one, its remaining
 * deadline ({@link DeadlineHeader#name()}) on every call of a {@code WebClient}. The request
 * context is read from Reactor's {@code Context} (where {@link RequestIdWebFilter} put it) and,
 * failing that, from the subscribing thread. Headers the caller set are left as they are. Spring's
 * own instrumentation sends {@code traceparent}.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class RequestIdExchangeFilter implements ExchangeFilterFunction {

  private final DeadlineHeader deadlineHeader;

  /**
   * Creates the filter.
   *
   * @param deadlineHeader the deadline header's name, and whether to send it
   */
  public RequestIdExchangeFilter(DeadlineHeader deadlineHeader) {
    this.deadlineHeader = Objects.requireNonNull(deadlineHeader, "deadlineHeader");
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    return Mono.deferContextual(
        reactorContext -> {
          RequestContext context =
              reactorContext
                  .<RequestContext>getOrEmpty(RequestContextAccessor.KEY)
                  .or(RequestContext::current)
                  .orElse(null);
          if (context == null) {
            return next.exchange(request);
          }
          ClientRequest.Builder outgoing = ClientRequest.from(request);
          if (!request.headers().containsHeader(RequestIdWebFilter.REQUEST_ID_HEADER)) {
            outgoing.header(RequestIdWebFilter.REQUEST_ID_HEADER, context.requestId());
          }
          if (deadlineHeader.enabled()
              && !request.headers().containsHeader(deadlineHeader.name())) {
            context
                .deadline()
                .ifPresent(d -> outgoing.header(deadlineHeader.name(), DeadlineHeader.format(d)));
          }
          return next.exchange(outgoing.build());
        });
  }
}
