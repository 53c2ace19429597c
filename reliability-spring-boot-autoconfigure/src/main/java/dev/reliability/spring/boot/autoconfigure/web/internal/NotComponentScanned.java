package dev.reliability.spring.boot.autoconfigure.web.internal;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Keeps component scanning away from the advice classes of this package. {@code @ControllerAdvice}
 * is a stereotype, so an application scanning a parent package of this one (as the library's own
 * tests do) would otherwise register them a second time, outside the auto-configuration's
 * conditions and switches. A condition on a class is evaluated when scanning finds it, not when an
 * auto-configuration's {@code @Bean} method returns it, so the auto-configuration registers them as
 * usual.
 *
 * <p>This class is internal and may change at any time.
 */
public final class NotComponentScanned implements Condition {

  /** Creates the condition; Spring calls it. */
  public NotComponentScanned() {}

  @Override
  public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
    return false;
  }
}
