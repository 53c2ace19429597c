package dev.reliability.examples.springboot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.core.context.Deadline;
import dev.reliability.core.context.DeadlineHeader;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.BadResponseException;
import dev.reliability.core.error.DeadlineExceededException;
import dev.reliability.core.error.ServiceCommunicationException;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.error.StandardErrorCode;
import dev.reliability.core.policy.Policy;
import dev.reliability.reactor.PolicyOperator;
import dev.reliability.tracing.HttpClientTracing;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;

/**
 * Calls the backend over HTTP through the policy {@value QuoteBackend#SERVICE} that {@code
 * application.yml} declares (the starter makes it a bean of that name). Two ways, one contract:
 *
 * <ul>
 *   <li>{@link #quote}: blocking, {@code java.net.http.HttpClient} with {@link HttpClientTracing},
 *       which sends the current request ID and the time left before the caller's deadline;
 *   <li>{@link #quoteReactive}: Spring's {@code WebClient}, the policy applied as a Reactor
 *       operator ({@link PolicyOperator}), nothing blocking.
 * </ul>
 *
 * <p>Both map transport failures and answers to the library's exceptions, so the policy retries
 * what is transient and the error handling answers with the right status. Thread-safe.
 */
@Component
final class QuoteClient {

  /** The HTTP client's own request timeout: a backstop behind the policy's time limit. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .build();
  private final HttpClientTracing tracing = HttpClientTracing.withoutTracing();
  private final ObjectMapper json = new ObjectMapper();
  private final URI backend;
  private final Policy policy;
  private final WebClient webClient;

  QuoteClient(
      QuoteBackend backend,
      @Qualifier(QuoteBackend.SERVICE) Policy policy,
      WebClient.Builder webClient) {
    this.backend = backend.uri();
    this.policy = policy;
    this.webClient = webClient.baseUrl(this.backend.toString()).build();
  }

  /**
   * Fetches a quote through the policy, blocking.
   *
   * @param symbol the symbol, already validated
   * @return the backend's quote
   * @throws Exception a {@link dev.reliability.core.error.ReliabilityException} for every failure
   *     the policy gives up on, or {@link InterruptedException}
   */
  JsonNode quote(String symbol) throws Exception {
    return policy.call(() -> fetch(symbol));
  }

  /**
   * Fetches a quote through the same policy without blocking: every attempt is a new subscription
   * to the {@code WebClient} exchange. The request ID and the deadline are read on the calling
   * thread, when the {@code Mono} is assembled.
   *
   * @param symbol the symbol, already validated
   * @return the backend's quote, or an error of the library's hierarchy
   */
  Mono<JsonNode> quoteReactive(String symbol) {
    String requestId = RequestContext.currentRequestId();
    Deadline deadline = RequestContext.currentDeadline();
    Mono<JsonNode> call =
        Mono.defer(
                () ->
                    webClient
                        .get()
                        .uri(b -> b.path("/quote").queryParam("symbol", symbol).build())
                        .accept(MediaType.APPLICATION_JSON)
                        .headers(
                            h -> {
                              if (requestId != null) {
                                h.set("X-Request-ID", requestId);
                              }
                              if (deadline != null) {
                                long left = deadline.remainingMillis();
                                if (left <= 0) {
                                  throw new DeadlineExceededException(
                                      QuoteBackend.SERVICE, Duration.ZERO);
                                }
                                h.set(DeadlineHeader.DEFAULT_NAME, Long.toString(left));
                              }
                            })
                        .exchangeToMono(this::read))
            .onErrorMap(WebClientRequestException.class, this::transportFailure);
    return call.transformDeferred(PolicyOperator.of(policy));
  }

  private Mono<JsonNode> read(ClientResponse response) {
    HttpStatusCode status = response.statusCode();
    return response
        .bodyToMono(String.class)
        .defaultIfEmpty("")
        .handle(
            (body, sink) -> {
              try {
                sink.next(answer(status.value(), body));
              } catch (RuntimeException e) {
                sink.error(e);
              }
            });
  }

  private Throwable transportFailure(WebClientRequestException e) {
    if (e.getCause() instanceof ConnectException) {
      return new ServiceUnavailableException(
          QuoteBackend.SERVICE, "cannot connect to " + backend, e);
    }
    return new ServiceCommunicationException(
        QuoteBackend.SERVICE, "call to " + backend + " failed: " + e.getMessage(), e);
  }

  private JsonNode fetch(String symbol) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                backend.resolve(
                    "/quote?symbol=" + URLEncoder.encode(symbol, StandardCharsets.UTF_8)))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpResponse<String> response = send(request);
    return answer(response.statusCode(), response.body());
  }

  /** The backend's answer as a quote, or the library's exception for it. */
  private JsonNode answer(int status, String body) {
    if (status == 200) {
      try {
        return json.readTree(body);
      } catch (IOException e) {
        throw new BadResponseException(QuoteBackend.SERVICE, 0, "unparseable quote", e);
      }
    }
    if (status == 503) {
      throw new ServiceUnavailableException(QuoteBackend.SERVICE, "backend answered 503");
    }
    if (status == 504 && saysDeadlineExceeded(body)) {
      // The backend gave up at the deadline this service sent it: not retried, 504 to the caller.
      throw new DeadlineExceededException(QuoteBackend.SERVICE, Duration.ZERO);
    }
    throw new BadResponseException(QuoteBackend.SERVICE, status, "backend answered " + status);
  }

  private boolean saysDeadlineExceeded(String body) {
    try {
      return StandardErrorCode.DEADLINE_EXCEEDED
          .code()
          .equals(json.readTree(body).path("error_code").asText());
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Tells the backend to change its faults. Not guarded by the quote policy: an operator's call
   * must reach the backend even while the breaker is open.
   *
   * @param failureRate the validated parameter, or null
   * @param latencyMs the validated parameter, or null
   * @return the backend's answer, the new state as JSON
   */
  String setChaos(String failureRate, String latencyMs) throws IOException, InterruptedException {
    StringBuilder query = new StringBuilder();
    if (failureRate != null) {
      query.append("failureRate=").append(URLEncoder.encode(failureRate, StandardCharsets.UTF_8));
    }
    if (latencyMs != null) {
      query.append(query.length() == 0 ? "" : "&");
      query.append("latencyMs=").append(URLEncoder.encode(latencyMs, StandardCharsets.UTF_8));
    }
    HttpRequest request =
        HttpRequest.newBuilder(backend.resolve("/admin/chaos?" + query))
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<String> response = send(request);
    if (response.statusCode() != 200) {
      throw new BadResponseException(
          QuoteBackend.SERVICE,
          response.statusCode(),
          "backend refused the chaos settings: " + response.body());
    }
    return response.body();
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    try {
      return tracing.send(client, request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new ServiceUnavailableException(
          QuoteBackend.SERVICE, "cannot connect to " + backend, e);
    } catch (HttpTimeoutException e) {
      throw new ServiceTimeoutException(QuoteBackend.SERVICE, REQUEST_TIMEOUT, e);
    } catch (IOException e) {
      throw new ServiceCommunicationException(
          QuoteBackend.SERVICE, "call to " + backend + " failed: " + e, e);
    }
  }
}
