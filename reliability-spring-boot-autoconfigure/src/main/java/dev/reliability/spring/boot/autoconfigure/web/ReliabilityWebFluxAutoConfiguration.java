package dev.reliability.spring.boot.autoconfigure.web;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.core.time.TimeSource;
import dev.reliability.spring.boot.autoconfigure.SpringConfigSource;
import dev.reliability.spring.boot.autoconfigure.web.internal.RequestIdExchangeFilter;
import dev.reliability.spring.boot.autoconfigure.web.internal.RequestIdWebFilter;
import dev.reliability.spring.boot.autoconfigure.web.internal.SpringProblems;
import dev.reliability.spring.boot.autoconfigure.web.internal.WebFluxErrorCodeObservationConvention;
import dev.reliability.spring.boot.autoconfigure.web.internal.WebFluxProblemDetailsExceptionHandler;
import dev.reliability.spring.boot.autoconfigure.web.internal.WebFluxReliabilityExceptionAdvice;
import dev.reliability.spring.boot.autoconfigure.web.internal.WebSettings;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.server.reactive.observation.ServerRequestObservationConvention;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.WebFilter;

/**
 * Reactive web applications (Spring WebFlux on Reactor Netty): the request-ID web filter,
 * problem+json error responses and the {@code error_code} key on Spring's {@code
 * http.server.requests}.
 *
 * <ul>
 *   <li>{@code reliabilityRequestIdWebFilter}: {@code X-Request-ID} accepted when valid ({@code
 *       reliability.context.request-id-max-length}) and replaced when not, always on the response;
 *       the request context (with the caller's deadline, {@code reliability.deadline.*}) carried in
 *       Reactor's {@code Context}, where the context-propagation library finds it. Log lines of the
 *       handler carry {@code request_id} in the MDC when Reactor's automatic context propagation is
 *       on: set {@code spring.reactor.context-propagation=auto}. Switch: {@code
 *       reliability.web.request-id.enabled}.
 *   <li>{@code reliabilityWebClientCustomizer}: WebClients built from Boot's {@code
 *       WebClient.Builder} send the request's {@code X-Request-ID} and remaining deadline. Same
 *       switch.
 *   <li>Problem details, as for Spring MVC. Switch: {@code
 *       reliability.web.problem-details.enabled}.
 *   <li>An {@code error_code} low-cardinality key on {@code http.server.requests}. Switch: {@code
 *       reliability.web.observation-error-code.enabled}.
 * </ul>
 *
 * <p>Every bean backs off when the application defines one of the same type.
 */
@AutoConfiguration(
    beforeName = "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({WebFilter.class, DispatcherHandler.class})
public class ReliabilityWebFluxAutoConfiguration {

  /** Creates the configuration; Spring calls it. */
  public ReliabilityWebFluxAutoConfiguration() {}

  /** The request-ID web filter. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "reliability.web.request-id.enabled", matchIfMissing = true)
  static class RequestIdConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RequestIdWebFilter reliabilityRequestIdWebFilter(Environment environment) {
      ConfigSource source = SpringConfigSource.of(environment);
      return new RequestIdWebFilter(
          WebSettings.sanitizer(source),
          WebSettings.deadlineHeader(source),
          TimeSource.system(),
          true);
    }
  }

  /** The request ID and deadline on the calls of WebClients built from Boot's builder. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WebClientCustomizer.class)
  @ConditionalOnBooleanProperty(name = "reliability.web.request-id.enabled", matchIfMissing = true)
  static class WebClientConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "reliabilityWebClientCustomizer")
    WebClientCustomizer reliabilityWebClientCustomizer(Environment environment) {
      RequestIdExchangeFilter filter =
          new RequestIdExchangeFilter(
              WebSettings.deadlineHeader(SpringConfigSource.of(environment)));
      return builder -> builder.filter(filter);
    }
  }

  /** Problem+json for the library's exceptions and Spring's own errors. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(
      name = "reliability.web.problem-details.enabled",
      matchIfMissing = true)
  static class ProblemDetailsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ProblemDetailFactory reliabilityProblemDetailFactory(Environment environment) {
      return WebSettings.problemDetailFactory(SpringConfigSource.of(environment));
    }

    @Bean
    @ConditionalOnMissingBean
    WebFluxReliabilityExceptionAdvice reliabilityWebFluxExceptionAdvice(
        ProblemDetailFactory factory) {
      return new WebFluxReliabilityExceptionAdvice(new SpringProblems(factory));
    }

    @Bean
    @ConditionalOnMissingBean(ResponseEntityExceptionHandler.class)
    WebFluxProblemDetailsExceptionHandler reliabilityWebFluxProblemDetailsHandler(
        ProblemDetailFactory factory) {
      return new WebFluxProblemDetailsExceptionHandler(new SpringProblems(factory));
    }
  }

  /** The {@code error_code} key on Spring's server-request observations. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ServerRequestObservationConvention.class)
  @ConditionalOnBooleanProperty(
      name = "reliability.web.observation-error-code.enabled",
      matchIfMissing = true)
  static class ObservationConventionConfiguration {

    @Bean
    @ConditionalOnMissingBean(ServerRequestObservationConvention.class)
    WebFluxErrorCodeObservationConvention reliabilityWebFluxObservationConvention(
        Environment environment) {
      return new WebFluxErrorCodeObservationConvention(WebSettings.observationName(environment));
    }
  }
}
