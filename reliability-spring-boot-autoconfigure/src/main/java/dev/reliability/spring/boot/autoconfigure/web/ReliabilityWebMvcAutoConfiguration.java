package dev.reliability.spring.boot.autoconfigure.web;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.spring.boot.autoconfigure.SpringConfigSource;
import dev.reliability.spring.boot.autoconfigure.web.internal.MvcErrorCodeObservationConvention;
import dev.reliability.spring.boot.autoconfigure.web.internal.MvcProblemDetailsExceptionHandler;
import dev.reliability.spring.boot.autoconfigure.web.internal.MvcReliabilityExceptionAdvice;
import dev.reliability.spring.boot.autoconfigure.web.internal.RequestIdServletFilter;
import dev.reliability.spring.boot.autoconfigure.web.internal.SpringProblems;
import dev.reliability.spring.boot.autoconfigure.web.internal.WebSettings;
import dev.reliability.tracing.RequestTracing;
import dev.reliability.tracing.ServiceTracing;
import dev.reliability.tracing.servlet.RequestContextServletFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.http.server.observation.ServerRequestObservationConvention;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Servlet web applications (Spring MVC on Tomcat, Jetty): the request-ID filter, problem+json error
 * responses and the {@code error_code} key on Spring's {@code http.server.requests}.
 *
 * <ul>
 *   <li>{@code reliabilityRequestIdFilter}: the tracing module's {@link
 *       RequestContextServletFilter} registered at {@link #REQUEST_ID_FILTER_ORDER}, just inside
 *       Spring's observation filter and before everything that logs. {@code X-Request-ID} is
 *       accepted when valid ({@code reliability.context.request-id-max-length}) and replaced when
 *       not, always on the response, bound in the request context and the MDC for the request; the
 *       caller's deadline is read ({@code reliability.deadline.*}); the request ID goes on Spring's
 *       server observation as {@code request.id}. Switch: {@code
 *       reliability.web.request-id.enabled}.
 *   <li>Problem details: the library's exceptions through {@link ProblemDetailFactory} ({@code
 *       reliability.errors.development-mode}), Spring's own errors (404, 405, 400, ...) with the
 *       request ID and an error code, both as Spring's {@link
 *       org.springframework.http.ProblemDetail}; ordered after the application's own advice.
 *       Switch: {@code reliability.web.problem-details.enabled}.
 *   <li>An {@code error_code} low-cardinality key on {@code http.server.requests}. Switch: {@code
 *       reliability.web.observation-error-code.enabled}.
 * </ul>
 *
 * <p>Spring's observations record the HTTP metrics; the library's own HTTP metrics filter is not
 * registered, so nothing is counted twice. Every bean backs off when the application defines one of
 * the same type (the filter: of the same name).
 */
@AutoConfiguration(
    beforeName = "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({Filter.class, FilterRegistrationBean.class})
public class ReliabilityWebMvcAutoConfiguration {

  /**
   * The request-ID filter's order: right after Spring's server observation filter ({@code
   * Ordered.HIGHEST_PRECEDENCE + 1}), so that its span is current, and before Spring Security and
   * every other filter that logs.
   */
  public static final int REQUEST_ID_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 2;

  /** Creates the configuration; Spring calls it. */
  public ReliabilityWebMvcAutoConfiguration() {}

  /** The request-ID filter, when the tracing module is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RequestContextServletFilter.class)
  @ConditionalOnBooleanProperty(name = "reliability.web.request-id.enabled", matchIfMissing = true)
  static class RequestIdConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "reliabilityRequestIdFilter")
    FilterRegistrationBean<RequestIdServletFilter> reliabilityRequestIdFilter(
        Environment environment) {
      ConfigSource source = SpringConfigSource.of(environment);
      // Spring's observations own the server span when tracing is on; ours stays off so that one
      // request has one span and one trace.
      RequestTracing tracing =
          RequestTracing.builder()
              .tracing(ServiceTracing.disabled())
              .sanitizer(WebSettings.sanitizer(source))
              .deadlineHeader(WebSettings.deadlineHeader(source))
              .build();
      FilterRegistrationBean<RequestIdServletFilter> registration =
          new FilterRegistrationBean<>(
              new RequestIdServletFilter(new RequestContextServletFilter(tracing)));
      registration.setName("reliabilityRequestIdFilter");
      registration.setOrder(REQUEST_ID_FILTER_ORDER);
      registration.setDispatcherTypes(DispatcherType.REQUEST);
      return registration;
    }
  }

  /** Problem+json for the library's exceptions and Spring's own errors. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(DispatcherServlet.class)
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
    MvcReliabilityExceptionAdvice reliabilityMvcExceptionAdvice(ProblemDetailFactory factory) {
      return new MvcReliabilityExceptionAdvice(new SpringProblems(factory));
    }

    @Bean
    @ConditionalOnMissingBean(ResponseEntityExceptionHandler.class)
    MvcProblemDetailsExceptionHandler reliabilityMvcProblemDetailsHandler(
        ProblemDetailFactory factory) {
      return new MvcProblemDetailsExceptionHandler(new SpringProblems(factory));
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
    MvcErrorCodeObservationConvention reliabilityMvcObservationConvention(Environment environment) {
      return new MvcErrorCodeObservationConvention(WebSettings.observationName(environment));
    }
  }
}
