package dev.reliability.tracing;

import dev.reliability.core.context.Deadline;
import dev.reliability.core.context.DeadlineHeader;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.DeadlineExceededException;
import dev.reliability.core.internal.Checks;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Propagates the request context on outgoing {@link java.net.http.HttpClient} calls: the current
 * request ID in {@value TracingHeaders#REQUEST_ID} and, when tracing is on, the W3C {@code
 * traceparent} and {@code baggage} headers, under a client span.
 *
 * <pre>{@code
 * HttpClientTracing propagation = HttpClientTracing.create(tracing);
 * HttpResponse<String> response = propagation.send(client,
 *     HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
 * // or, without a client span:
 * HttpRequest request = propagation.decorate(HttpRequest.newBuilder(uri)).build();
 * }</pre>
 *
 * <p>The headers are taken from the calling thread's context when the request is decorated or sent:
 * call from inside the request scope, or from a task wrapped by {@code ContextPropagation}. Without
 * a bound request context no {@value TracingHeaders#REQUEST_ID} is sent.
 *
 * <p>When the context carries a {@link Deadline}, the time it leaves is sent in the {@link
 * DeadlineHeader} ({@value DeadlineHeader#DEFAULT_NAME} by default, in whole milliseconds, nothing
 * subtracted for the trip), and {@link #send}/{@link #sendAsync} also shorten the request's own
 * time-out to it, so the client stops waiting when the caller does. A call whose deadline has
 * already passed is not sent: it fails at once with a {@link DeadlineExceededException} (thrown by
 * {@code decorate} and {@code send}, the failed future of {@code sendAsync}). Immutable and
 * thread-safe.
 */
public final class HttpClientTracing {

  private static final AttributeKey<String> HTTP_METHOD =
      AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  private static final AttributeKey<String> SERVER_ADDRESS =
      AttributeKey.stringKey("server.address");
  private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  private static final AttributeKey<Long> HTTP_STATUS =
      AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private static final TextMapSetter<HttpRequest.Builder> SETTER =
      (builder, key, value) -> {
        if (builder != null) {
          builder.setHeader(key, value);
        }
      };

  private static final HttpClientTracing NO_TRACING =
      new HttpClientTracing(ServiceTracing.disabled(), DeadlineHeader.ofDefaults());

  private final ServiceTracing tracing;
  private final DeadlineHeader deadlineHeader;

  private HttpClientTracing(ServiceTracing tracing, DeadlineHeader deadlineHeader) {
    this.tracing = tracing;
    this.deadlineHeader = deadlineHeader;
  }

  /**
   * Returns propagation of the request ID only.
   *
   * @return the shared instance without tracing
   */
  public static HttpClientTracing withoutTracing() {
    return NO_TRACING;
  }

  /**
   * Returns propagation of the request ID and, if {@code tracing} is on, trace context.
   *
   * @param tracing the tracing set-up
   * @return the propagation
   */
  public static HttpClientTracing create(ServiceTracing tracing) {
    return new HttpClientTracing(Checks.notNull("tracing", tracing), DeadlineHeader.ofDefaults());
  }

  /**
   * Returns a copy that writes the deadline header as {@code deadlineHeader} says: another name, or
   * off. Default {@link DeadlineHeader#ofDefaults()}.
   *
   * @param deadlineHeader the configuration
   * @return the new propagation
   */
  public HttpClientTracing withDeadlineHeader(DeadlineHeader deadlineHeader) {
    return new HttpClientTracing(tracing, Checks.notNull("deadlineHeader", deadlineHeader));
  }

  /**
   * Adds the propagation headers of the calling thread's context to a request being built.
   *
   * @param builder the request builder
   * @return the same builder
   * @throws DeadlineExceededException if the context's deadline has passed
   */
  public HttpRequest.Builder decorate(HttpRequest.Builder builder) {
    Checks.notNull("builder", builder);
    Deadline deadline = deadlineHeader.enabled() ? RequestContext.currentDeadline() : null;
    if (deadline != null) {
      long left = deadline.remainingNanos();
      if (left <= 0) {
        throw new DeadlineExceededException("outgoing call", Duration.ofNanos(-left));
      }
      builder.setHeader(deadlineHeader.name(), Long.toString(left / 1_000_000));
    }
    String requestId = RequestContext.currentRequestId();
    if (requestId != null) {
      builder.setHeader(TracingHeaders.REQUEST_ID, requestId);
    }
    if (tracing.isEnabled()) {
      tracing.propagator().inject(Context.current(), builder, SETTER);
    }
    return builder;
  }

  /**
   * Returns a copy of a request with the propagation headers of the calling thread's context.
   *
   * @param request the request
   * @return the decorated copy, with its time-out shortened to the deadline's remaining time
   * @throws DeadlineExceededException if the context's deadline has passed
   */
  public HttpRequest decorate(HttpRequest request) {
    Checks.notNull("request", request);
    HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> true);
    Deadline deadline = deadlineHeader.enabled() ? RequestContext.currentDeadline() : null;
    if (deadline != null) {
      long left = deadline.remainingNanos();
      if (left <= 0) {
        throw new DeadlineExceededException(
            "outgoing call to " + target(request.uri()), Duration.ofNanos(-left));
      }
      Duration remaining = Duration.ofNanos(left);
      if (request.timeout().map(t -> t.compareTo(remaining) > 0).orElse(true)) {
        builder.timeout(remaining);
      }
    }
    return decorate(builder).build();
  }

  /**
   * Returns what a time-out of {@link #send} means: the request's deadline when it has passed (the
   * time-out was shortened to it), or the time-out itself.
   */
  private static HttpTimeoutException deadlineOr(HttpTimeoutException e, HttpRequest request) {
    Deadline deadline = RequestContext.currentDeadline();
    if (deadline != null && deadline.isExpired()) {
      throw new DeadlineExceededException(
          "outgoing call to " + target(request.uri()),
          Duration.ofNanos(-deadline.remainingNanos()),
          e);
    }
    return e;
  }

  private static String target(URI uri) {
    String host = uri.getHost() == null ? "?" : uri.getHost();
    return uri.getPort() > 0 ? host + ":" + uri.getPort() : host;
  }

  /**
   * Sends a request with the propagation headers, under a client span when tracing is on.
   *
   * @param client the client
   * @param request the request
   * @param handler the body handler
   * @param <T> the body type
   * @return the response
   * @throws IOException if sending fails
   * @throws InterruptedException if interrupted while waiting
   * @throws DeadlineExceededException if the context's deadline has passed: nothing is sent; or if
   *     it passed while waiting for the answer (the time-out, shortened to it, is the cause)
   */
  public <T> HttpResponse<T> send(
      HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    Checks.notNull("client", client);
    Checks.notNull("request", request);
    if (!tracing.isEnabled()) {
      try {
        return client.send(decorate(request), handler);
      } catch (HttpTimeoutException e) {
        throw deadlineOr(e, request);
      }
    }
    Span span = startSpan(request);
    try (Scope scope = span.makeCurrent()) {
      HttpResponse<T> response;
      try {
        response = client.send(decorate(request), handler);
      } catch (HttpTimeoutException e) {
        throw deadlineOr(e, request);
      }
      recordStatus(span, response.statusCode());
      return response;
    } catch (IOException | RuntimeException e) {
      span.recordException(e);
      span.setAttribute(ERROR_TYPE, e.getClass().getName());
      span.setStatus(StatusCode.ERROR);
      throw e;
    } finally {
      span.end();
    }
  }

  /**
   * Sends a request asynchronously with the propagation headers, under a client span when tracing
   * is on. The headers are taken from the calling thread's context now.
   *
   * @param client the client
   * @param request the request
   * @param handler the body handler
   * @param <T> the body type
   * @return the future response
   */
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    Checks.notNull("client", client);
    Checks.notNull("request", request);
    if (!tracing.isEnabled()) {
      HttpRequest decorated;
      try {
        decorated = decorate(request);
      } catch (DeadlineExceededException e) {
        return CompletableFuture.failedFuture(e);
      }
      return client.sendAsync(decorated, handler);
    }
    Span span = startSpan(request);
    HttpRequest decorated;
    try (Scope scope = span.makeCurrent()) {
      decorated = decorate(request);
    } catch (DeadlineExceededException e) {
      span.recordException(e);
      span.setAttribute(ERROR_TYPE, e.code());
      span.setStatus(StatusCode.ERROR);
      span.end();
      return CompletableFuture.failedFuture(e);
    }
    return client
        .sendAsync(decorated, handler)
        .whenComplete(
            (response, error) -> {
              if (error != null) {
                span.recordException(error);
                span.setAttribute(ERROR_TYPE, error.getClass().getName());
                span.setStatus(StatusCode.ERROR);
              } else {
                recordStatus(span, response.statusCode());
              }
              span.end();
            });
  }

  private Span startSpan(HttpRequest request) {
    URI uri = request.uri();
    var builder =
        tracing
            .tracer()
            .spanBuilder(request.method())
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(HTTP_METHOD, request.method())
            .setAttribute(URL_FULL, withoutQuery(uri));
    if (uri.getHost() != null) {
      builder.setAttribute(SERVER_ADDRESS, uri.getHost());
    }
    if (uri.getPort() > 0) {
      builder.setAttribute(SERVER_PORT, (long) uri.getPort());
    }
    String requestId = RequestContext.currentRequestId();
    if (requestId != null) {
      builder.setAttribute(TracingAttributes.REQUEST_ID, requestId);
    }
    return builder.startSpan();
  }

  private static void recordStatus(Span span, int status) {
    span.setAttribute(HTTP_STATUS, (long) status);
    if (status >= 400) {
      span.setAttribute(ERROR_TYPE, Integer.toString(status));
    }
    if (status >= 500) {
      span.setStatus(StatusCode.ERROR);
    }
  }

  /** The URL without user info, query or fragment, which may hold secrets. */
  private static String withoutQuery(URI uri) {
    StringBuilder sb = new StringBuilder();
    if (uri.getScheme() != null) {
      sb.append(uri.getScheme()).append("://");
    }
    if (uri.getHost() != null) {
      sb.append(uri.getHost());
    }
    if (uri.getPort() > 0) {
      sb.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      sb.append(uri.getRawPath());
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "HttpClientTracing[" + tracing + "]";
  }
}
