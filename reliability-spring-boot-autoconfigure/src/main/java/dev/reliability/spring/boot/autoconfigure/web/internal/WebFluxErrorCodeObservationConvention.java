package dev.reliability.spring.boot.autoconfigure.web.internal;

import dev.reliability.core.problem.ProblemDetail;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * Spring WebFlux's server-request observation ({@code http.server.requests}) with one more
 * low-cardinality key, {@value MvcErrorCodeObservationConvention#ERROR_CODE}: the error code the
 * problem handlers stored in the exchange attribute {@link ProblemDetail#ERROR_CODE_ATTRIBUTE},
 * {@code none} otherwise.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class WebFluxErrorCodeObservationConvention
    extends DefaultServerRequestObservationConvention {

  /**
   * Creates the convention.
   *
   * @param name the observation's name
   */
  public WebFluxErrorCodeObservationConvention(String name) {
    super(name);
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(ServerRequestObservationContext context) {
    Object code = context.getAttributes().get(ProblemDetail.ERROR_CODE_ATTRIBUTE);
    return super.getLowCardinalityKeyValues(context)
        .and(
            KeyValue.of(
                MvcErrorCodeObservationConvention.ERROR_CODE,
                code == null ? "none" : code.toString()));
  }
}
