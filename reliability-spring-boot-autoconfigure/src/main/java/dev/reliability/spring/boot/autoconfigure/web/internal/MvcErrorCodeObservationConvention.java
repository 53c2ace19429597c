package dev.reliability.spring.boot.autoconfigure.web.internal;

import dev.reliability.core.problem.ProblemDetail;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Spring MVC's server-request observation ({@code http.server.requests}) with one more
 * low-cardinality key, {@value #ERROR_CODE}: the error code the problem handlers stored in the
 * request attribute {@link ProblemDetail#ERROR_CODE_ATTRIBUTE}, {@code none} otherwise. Every other
 * key is Spring's.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class MvcErrorCodeObservationConvention
    extends DefaultServerRequestObservationConvention {

  /** The added key. */
  public static final String ERROR_CODE = "error_code";

  /**
   * Creates the convention.
   *
   * @param name the observation's name, {@code http.server.requests} unless Boot's {@code
   *     management.observations.http.server.requests.name} says otherwise
   */
  public MvcErrorCodeObservationConvention(String name) {
    super(name);
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(ServerRequestObservationContext context) {
    Object code =
        context.getCarrier() == null
            ? null
            : context.getCarrier().getAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE);
    return super.getLowCardinalityKeyValues(context)
        .and(KeyValue.of(ERROR_CODE, code == null ? "none" : code.toString()));
  }
}
