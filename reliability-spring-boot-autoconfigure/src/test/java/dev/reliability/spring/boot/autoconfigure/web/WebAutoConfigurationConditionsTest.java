package dev.reliability.spring.boot.autoconfigure.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.spring.boot.autoconfigure.web.internal.MvcErrorCodeObservationConvention;
import dev.reliability.spring.boot.autoconfigure.web.internal.MvcProblemDetailsExceptionHandler;
import dev.reliability.spring.boot.autoconfigure.web.internal.MvcReliabilityExceptionAdvice;
import dev.reliability.spring.boot.autoconfigure.web.internal.RequestIdWebFilter;
import dev.reliability.spring.boot.autoconfigure.web.internal.SpringProblems;
import dev.reliability.spring.boot.autoconfigure.web.internal.WebFluxErrorCodeObservationConvention;
import dev.reliability.spring.boot.autoconfigure.web.internal.WebFluxProblemDetailsExceptionHandler;
import dev.reliability.spring.boot.autoconfigure.web.internal.WebFluxReliabilityExceptionAdvice;
import dev.reliability.tracing.servlet.RequestContextServletFilter;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationConvention;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** What the web auto-configurations start, and that nothing starts when unused or switched off. */
class WebAutoConfigurationConditionsTest {

  private final WebApplicationContextRunner servlet =
      new WebApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ReliabilityWebMvcAutoConfiguration.class));

  private final ReactiveWebApplicationContextRunner reactive =
      new ReactiveWebApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ReliabilityWebFluxAutoConfiguration.class));

  @Test
  void aServletApplicationGetsTheFilterTheProblemHandlersAndTheConvention() {
    servlet.run(
        context -> {
          assertThat(context).hasBean("reliabilityRequestIdFilter");
          FilterRegistrationBean<?> filter =
              context.getBean("reliabilityRequestIdFilter", FilterRegistrationBean.class);
          assertThat(filter.getOrder())
              .isEqualTo(ReliabilityWebMvcAutoConfiguration.REQUEST_ID_FILTER_ORDER);
          assertThat(context).hasSingleBean(MvcReliabilityExceptionAdvice.class);
          assertThat(context).hasSingleBean(MvcProblemDetailsExceptionHandler.class);
          assertThat(context).hasSingleBean(MvcErrorCodeObservationConvention.class);
          assertThat(context).hasSingleBean(ProblemDetailFactory.class);
        });
  }

  @Test
  void nothingStartsOutsideAWebApplication() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ReliabilityWebMvcAutoConfiguration.class,
                ReliabilityWebFluxAutoConfiguration.class))
        .run(
            context -> {
              assertThat(context).doesNotHaveBean("reliabilityRequestIdFilter");
              assertThat(context).doesNotHaveBean(RequestIdWebFilter.class);
              assertThat(context).doesNotHaveBean(ProblemDetailFactory.class);
            });
  }

  @Test
  void eachStackStartsOnlyInItsOwnKindOfApplication() {
    servlet
        .withConfiguration(AutoConfigurations.of(ReliabilityWebFluxAutoConfiguration.class))
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(RequestIdWebFilter.class);
              assertThat(context).doesNotHaveBean(WebFluxProblemDetailsExceptionHandler.class);
            });
    reactive
        .withConfiguration(AutoConfigurations.of(ReliabilityWebMvcAutoConfiguration.class))
        .run(
            context -> {
              assertThat(context).doesNotHaveBean("reliabilityRequestIdFilter");
              assertThat(context).doesNotHaveBean(MvcProblemDetailsExceptionHandler.class);
            });
  }

  @Test
  void eachServletPartHasItsSwitch() {
    servlet
        .withPropertyValues(
            "reliability.web.request-id.enabled=false",
            "reliability.web.problem-details.enabled=false",
            "reliability.web.observation-error-code.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean("reliabilityRequestIdFilter");
              assertThat(context).doesNotHaveBean(MvcReliabilityExceptionAdvice.class);
              assertThat(context).doesNotHaveBean(MvcProblemDetailsExceptionHandler.class);
              assertThat(context).doesNotHaveBean(ServerRequestObservationConvention.class);
            });
  }

  @Test
  void eachReactivePartHasItsSwitch() {
    reactive
        .withPropertyValues(
            "reliability.web.request-id.enabled=false",
            "reliability.web.problem-details.enabled=false",
            "reliability.web.observation-error-code.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(RequestIdWebFilter.class);
              assertThat(context).doesNotHaveBean("reliabilityWebClientCustomizer");
              assertThat(context).doesNotHaveBean(WebFluxReliabilityExceptionAdvice.class);
              assertThat(context).doesNotHaveBean(WebFluxProblemDetailsExceptionHandler.class);
              assertThat(context).doesNotHaveBean(WebFluxErrorCodeObservationConvention.class);
            });
    reactive.run(
        context -> {
          assertThat(context).hasSingleBean(RequestIdWebFilter.class);
          assertThat(context).hasBean("reliabilityWebClientCustomizer");
          assertThat(context).hasSingleBean(WebFluxReliabilityExceptionAdvice.class);
          assertThat(context).hasSingleBean(WebFluxProblemDetailsExceptionHandler.class);
          assertThat(context).hasSingleBean(WebFluxErrorCodeObservationConvention.class);
        });
  }

  @Test
  void withoutTheTracingModuleTheProblemHandlersStillStartButNotTheFilter() {
    servlet
        .withClassLoader(new FilteredClassLoader(RequestContextServletFilter.class))
        .run(
            context -> {
              assertThat(context).doesNotHaveBean("reliabilityRequestIdFilter");
              assertThat(context).hasSingleBean(MvcProblemDetailsExceptionHandler.class);
            });
  }

  @Test
  void withoutBootsWebClientModuleNoWebClientCustomizerStarts() {
    reactive
        .withClassLoader(new FilteredClassLoader(WebClientCustomizer.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean("reliabilityWebClientCustomizer");
              assertThat(context).hasSingleBean(RequestIdWebFilter.class);
            });
  }

  @Test
  void withoutWebFluxClassesNothingReactiveStarts() {
    reactive
        .withClassLoader(new FilteredClassLoader(DispatcherHandler.class))
        .run(context -> assertThat(context).doesNotHaveBean(RequestIdWebFilter.class));
  }

  @Test
  void theApplicationsOwnBeansWin() {
    servlet
        .withUserConfiguration(OwnBeans.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(ResponseEntityExceptionHandler.class);
              assertThat(context).doesNotHaveBean(MvcProblemDetailsExceptionHandler.class);
              // Our exceptions are still answered by the narrower advice.
              assertThat(context).hasSingleBean(MvcReliabilityExceptionAdvice.class);
              assertThat(context).hasSingleBean(ServerRequestObservationConvention.class);
              assertThat(context).doesNotHaveBean(MvcErrorCodeObservationConvention.class);
              assertThat(context.getBean(ProblemDetailFactory.class))
                  .isSameAs(context.getBean(OwnBeans.class).factory);
            });
  }

  @Test
  void springBootsOwnProblemDetailsHandlerStepsAsideForOurs() {
    servlet
        .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class))
        .withPropertyValues("spring.mvc.problemdetails.enabled=true")
        .run(
            context -> {
              assertThat(context).hasSingleBean(ResponseEntityExceptionHandler.class);
              assertThat(context).hasSingleBean(MvcProblemDetailsExceptionHandler.class);
            });
    reactive
        .withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class))
        .withPropertyValues("spring.webflux.problemdetails.enabled=true")
        .run(
            context -> {
              assertThat(context)
                  .hasSingleBean(
                      org.springframework.web.reactive.result.method.annotation
                          .ResponseEntityExceptionHandler.class);
              assertThat(context).hasSingleBean(WebFluxProblemDetailsExceptionHandler.class);
            });
  }

  @Test
  void anInvalidRequestIdLimitFailsTheStartWithTheSettingsMessage() {
    servlet
        .withPropertyValues("reliability.context.request-id-max-length=5")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("reliability.context.request-id-max-length must be")
                    .hasMessageContaining("was \"5\""));
  }

  @Test
  void scanningTheLibrarysPackagesRegistersNoAdviceOutsideTheAutoConfiguration() {
    new WebApplicationContextRunner()
        .withUserConfiguration(ScansTheLibrary.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(MvcReliabilityExceptionAdvice.class);
              assertThat(context).doesNotHaveBean(MvcProblemDetailsExceptionHandler.class);
              assertThat(context).doesNotHaveBean(WebFluxReliabilityExceptionAdvice.class);
              assertThat(context).doesNotHaveBean(WebFluxProblemDetailsExceptionHandler.class);
            });
  }

  @Configuration(proxyBeanMethods = false)
  @ComponentScan(basePackageClasses = SpringProblems.class)
  static class ScansTheLibrary {}

  @Configuration(proxyBeanMethods = false)
  static class OwnBeans {
    final ProblemDetailFactory factory = ProblemDetailFactory.ofDefaults();

    @Bean
    ResponseEntityExceptionHandler ownHandler() {
      return new ResponseEntityExceptionHandler() {};
    }

    @Bean
    ServerRequestObservationConvention ownConvention() {
      return new DefaultServerRequestObservationConvention();
    }

    @Bean
    ProblemDetailFactory ownFactory() {
      return factory;
    }
  }
}
