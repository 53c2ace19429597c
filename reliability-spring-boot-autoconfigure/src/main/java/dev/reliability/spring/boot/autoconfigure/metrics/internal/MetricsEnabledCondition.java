package dev.reliability.spring.boot.autoconfigure.metrics.internal;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.metrics.ReliabilityMetrics;
import dev.reliability.spring.boot.autoconfigure.SpringConfigSource;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code reliability.metrics.enabled} (or its seed name {@code ENABLE_METRICS})
 * turns metrics off, read with the setting's own parser, as the plain {@code ReliabilityMetrics}
 * reads it: {@code false}, {@code no}, {@code off} and {@code 0} all switch it off, and a value the
 * setting refuses fails the start with the setting's message.
 */
public final class MetricsEnabledCondition extends SpringBootCondition {

  /** Creates the condition; Spring calls it. */
  public MetricsEnabledCondition() {}

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    ConfigBinder binder =
        ConfigBinder.of(
            SpringConfigSource.of(context.getEnvironment())
                .withAliases(ReliabilityMetrics.SEED_ALIASES),
            ReliabilityMetrics.CONFIG_PREFIX);
    boolean enabled = binder.get(ReliabilityMetrics.ENABLED);
    binder.throwIfInvalid();
    return enabled
        ? ConditionOutcome.match("reliability.metrics.enabled is true")
        : ConditionOutcome.noMatch("reliability.metrics.enabled is false");
  }
}
