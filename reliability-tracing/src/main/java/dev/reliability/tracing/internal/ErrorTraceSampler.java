package dev.reliability.tracing.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * Turns another sampler's "drop" into "record only", so spans of traces the head sampler did not
 * keep are still recorded in this process and {@link ErrorTraceProcessor} can export the ones that
 * end up failing. The decision that travels downstream ({@code traceparent}'s sampled flag) is the
 * wrapped sampler's, unchanged.
 *
 * <p>This class is internal and may change at any time. Thread-safe if the delegate is.
 */
public final class ErrorTraceSampler implements Sampler {

  private static final SamplingResult RECORD_ONLY = SamplingResult.recordOnly();

  private final Sampler delegate;

  /**
   * Wraps a sampler.
   *
   * @param delegate the head sampler, such as parent-based ratio sampling
   */
  public ErrorTraceSampler(Sampler delegate) {
    this.delegate = delegate;
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    SamplingResult result =
        delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    return result.getDecision() == SamplingDecision.DROP ? RECORD_ONLY : result;
  }

  @Override
  public String getDescription() {
    return "KeepErrorTraces{" + delegate.getDescription() + "}";
  }

  @Override
  public String toString() {
    return getDescription();
  }
}
