package dev.reliability.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.core.error.BadResponseException;
import dev.reliability.core.error.DeadlineExceededException;
import dev.reliability.core.error.ServiceCommunicationException;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.error.StandardErrorCode;
import dev.reliability.core.policy.Policy;
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

/**
 * Calls the backend over HTTP: {@code java.net.http.HttpClient} with {@link HttpClientTracing}
 * (which adds {@code X-Request-ID} and the time left before the caller's deadline, {@code
 * X-Request-Timeout-Ms}, from the current request), guarded by the named policy. Maps transport
 * failures and answers to the library's exception hierarchy, so that the policy retries what is
 * transient and the error filter answers with the right status. Thread-safe.
 */
final class QuoteClient {

  /** The HTTP client's own request timeout: a backstop behind the policy's time limit. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient client;
  private final HttpClientTracing tracing;
  private final URI backend;
  private final Policy policy;
  private final ObjectMapper json;

  QuoteClient(
      HttpClient client, HttpClientTracing tracing, URI backend, Policy policy, ObjectMapper json) {
    this.client = client;
    this.tracing = tracing;
    this.backend = backend;
    this.policy = policy;
    this.json = json;
  }

  /**
   * Fetches a quote through the policy.
   *
   * @param symbol the symbol, already validated
   * @return the backend's quote
   * @throws Exception a {@link dev.reliability.core.error.ReliabilityException} for every failure
   *     the policy gives up on, or {@link InterruptedException}
   */
  JsonNode quote(String symbol) throws Exception {
    return policy.call(() -> fetch(symbol));
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
    int status = response.statusCode();
    if (status == 200) {
      try {
        return json.readTree(response.body());
      } catch (IOException e) {
        throw new BadResponseException(QuoteBackend.SERVICE, 0, "unparseable quote", e);
      }
    }
    if (status == 503) {
      throw new ServiceUnavailableException(QuoteBackend.SERVICE, "backend answered 503");
    }
    if (status == 504 && saysDeadlineExceeded(response.body())) {
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
