package dev.reliability.tracing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The span attribute keys, baggage key and MDC keys this module writes. Thread-safe (constants
 * only).
 */
public final class TracingAttributes {

  /** The span attribute holding the request ID, on server, client and guarded-call spans. */
  public static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("request.id");

  /** The W3C baggage key under which the request ID crosses services. */
  public static final String BAGGAGE_KEY = "request.id";

  /** The MDC key of the current trace ID (32 hex characters). */
  public static final String TRACE_ID_MDC_KEY = "trace_id";

  /** The MDC key of the current span ID (16 hex characters). */
  public static final String SPAN_ID_MDC_KEY = "span_id";

  /** The span attribute holding the library's error code, such as {@code SERVICE_TIMEOUT}. */
  public static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("error.code");

  /** The span attribute holding a fault-tolerance policy's name. */
  public static final AttributeKey<String> POLICY_NAME = AttributeKey.stringKey("policy.name");

  /** The attempt number on a guarded call's attempt and retry events, 1 for the first. */
  public static final AttributeKey<Long> POLICY_ATTEMPT = AttributeKey.longKey("policy.attempt");

  /** The number of attempts a guarded call made, 0 if the first was refused. */
  public static final AttributeKey<Long> POLICY_ATTEMPTS = AttributeKey.longKey("policy.attempts");

  /** The circuit breaker's state when an attempt started, such as {@code CLOSED}. */
  public static final AttributeKey<String> CIRCUIT_STATE =
      AttributeKey.stringKey("policy.circuit_state");

  /**
   * How a guarded call ended: {@code success}, {@code failure}, {@code rejected}, {@code fallback}.
   */
  public static final AttributeKey<String> POLICY_OUTCOME =
      AttributeKey.stringKey("policy.outcome");

  private TracingAttributes() {}
}
