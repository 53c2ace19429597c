package dev.reliability.spring.boot.autoconfigure.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.spring.boot.Guarded;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@SpringBootTest(
    classes = GuardedTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "reliability.policies.guarded-backend.retry.max-retries=2",
      "reliability.policies.guarded-backend.retry.initial-delay=1ms",
      "reliability.policies.guarded-backend.retry.max-delay=1ms",
      "reliability.policies.guarded-backend.circuitbreaker.failure-threshold=1000",
      "reliability.policies.fail-fast.circuitbreaker.failure-threshold=1",
      "reliability.policies.fail-fast.circuitbreaker.minimum-calls=1",
      "reliability.policies.fail-fast.retry.enabled=false"
    })
class GuardedTest {

  @SpringBootApplication(proxyBeanMethods = false)
  static class App {
    @Bean
    Backend backend() {
      return new Backend();
    }

    @Bean
    WholeTypeBackend wholeTypeBackend() {
      return new WholeTypeBackend();
    }
  }

  static class Backend {
    private final AtomicInteger calls = new AtomicInteger();
    private volatile IOException failure;

    int calls() {
      return calls.get();
    }

    void failWith(IOException e) {
      failure = e;
    }

    void reset() {
      calls.set(0);
      failure = null;
    }

    @Guarded("guarded-backend")
    public String fetch() throws IOException {
      calls.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
      return "quote";
    }

    @Guarded("guarded-backend")
    public CompletionStage<String> fetchAsync() {
      calls.incrementAndGet();
      return failure != null
          ? CompletableFuture.failedFuture(failure)
          : CompletableFuture.completedFuture("async quote");
    }

    public String unguarded() throws IOException {
      calls.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
      return "plain";
    }
  }

  @Guarded("fail-fast")
  static class WholeTypeBackend {
    private final AtomicInteger calls = new AtomicInteger();

    int calls() {
      return calls.get();
    }

    public String call() {
      calls.incrementAndGet();
      throw new IllegalStateException("down");
    }
  }

  @Autowired Backend backend;
  @Autowired WholeTypeBackend wholeType;

  @BeforeEach
  void reset() {
    backend.reset();
  }

  @Test
  void aGuardedBeanIsProxiedBySpringAopWithoutTheAspectjWeaverConfiguration() {
    assertThat(AopUtils.isAopProxy(backend)).isTrue();
  }

  @Test
  void aGuardedMethodIsRetriedByItsPolicyAndItsCheckedExceptionReachesTheCallerUnchanged() {
    IOException failure = new IOException("connection reset");
    backend.failWith(failure);

    Throwable thrown = catchThrowable(backend::fetch);

    assertThat(thrown).isSameAs(failure);
    assertThat(backend.calls()).isEqualTo(3);
  }

  @Test
  void aGuardedMethodReturnsItsValue() throws IOException {
    assertThat(backend.fetch()).isEqualTo("quote");
    assertThat(backend.calls()).isEqualTo(1);
  }

  @Test
  void aCompletionStageMethodRunsOnThePolicysAsynchronousPathWithRetries() {
    IOException failure = new IOException("connection reset");
    backend.failWith(failure);

    Throwable thrown = catchThrowable(() -> backend.fetchAsync().toCompletableFuture().join());

    assertThat(thrown).isInstanceOf(CompletionException.class).hasCause(failure);
    assertThat(backend.calls()).isEqualTo(3);
    backend.failWith(null);
    assertThat(backend.fetchAsync().toCompletableFuture().join()).isEqualTo("async quote");
  }

  @Test
  void aMethodWithoutTheAnnotationIsNotGuarded() {
    backend.failWith(new IOException("reset"));

    assertThat(catchThrowable(backend::unguarded)).isInstanceOf(IOException.class);
    assertThat(backend.calls()).isEqualTo(1);
  }

  @Test
  void anAnnotatedTypeGuardsItsPublicMethodsAndItsBreakerFailsFast() {
    assertThat(catchThrowable(wholeType::call)).isInstanceOf(IllegalStateException.class);
    int before = wholeType.calls();

    assertThat(catchThrowable(wholeType::call)).isInstanceOf(CircuitOpenException.class);
    assertThat(wholeType.calls()).isEqualTo(before);
  }

  // Start-up checks: with the context runner, without Spring Boot's AOP auto-configuration.

  static class UnknownPolicy {
    @Guarded("missing")
    public String call() {
      return "x";
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UnknownPolicyConfig {
    @Bean
    UnknownPolicy unknownPolicy() {
      return new UnknownPolicy();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class BackendConfig {
    @Bean
    Backend backend() {
      return new Backend();
    }
  }

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ReliabilityPolicyAutoConfiguration.class))
          .withPropertyValues("reliability.policies.guarded-backend.retry.max-retries=2");

  @Test
  void anUnknownPolicyNameFailsTheStartNotTheFirstCall() {
    runner
        .withUserConfiguration(UnknownPolicyConfig.class)
        .run(
            context -> {
              ConfigurationException e =
                  ReliabilityPolicyAutoConfigurationTest.rootCause(
                      context.getStartupFailure(), ConfigurationException.class);
              assertThat(e.problems())
                  .singleElement()
                  .satisfies(
                      p -> {
                        assertThat(p.key())
                            .isEqualTo(
                                "@Guarded on "
                                    + UnknownPolicy.class.getName()
                                    + ".call (bean"
                                    + " unknownPolicy)");
                        assertThat(p.value()).isEqualTo("missing");
                        assertThat(p.rule())
                            .isEqualTo(
                                "the name of a policy declared under reliability.policies"
                                    + " [guarded-backend]");
                      });
            });
  }

  @Test
  void withoutSpringBootsAopAutoConfigurationTheInterceptorStillApplies() throws IOException {
    runner
        .withUserConfiguration(BackendConfig.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Backend b = context.getBean(Backend.class);
              assertThat(AopUtils.isAopProxy(b)).isTrue();
              IOException failure = new IOException("reset");
              b.failWith(failure);
              assertThat(catchThrowable(b::fetch)).isSameAs(failure);
              assertThat(b.calls()).isEqualTo(3);
            });
  }

  /** An interceptor ordered after the policy's, as a transaction or tracing advisor would be. */
  @Configuration(proxyBeanMethods = false)
  static class InnerAdvisorConfig {
    static final AtomicInteger INNER_CALLS = new AtomicInteger();

    @Bean
    @org.springframework.context.annotation.Role(
        org.springframework.beans.factory.config.BeanDefinition.ROLE_INFRASTRUCTURE)
    static org.springframework.aop.Advisor innerAdvisor() {
      org.springframework.aop.support.DefaultPointcutAdvisor advisor =
          new org.springframework.aop.support.DefaultPointcutAdvisor(
              new org.springframework.aop.support.annotation.AnnotationMatchingPointcut(
                  null, Guarded.class),
              (org.aopalliance.intercept.MethodInterceptor)
                  invocation -> {
                    INNER_CALLS.incrementAndGet();
                    return invocation.proceed();
                  });
      advisor.setOrder(10);
      return advisor;
    }
  }

  @Test
  void eachRetryPassesThroughTheInterceptorsOrderedAfterThePolicy() {
    InnerAdvisorConfig.INNER_CALLS.set(0);
    runner
        .withUserConfiguration(BackendConfig.class, InnerAdvisorConfig.class)
        .run(
            context -> {
              Backend b = context.getBean(Backend.class);
              b.failWith(new IOException("reset"));
              assertThat(catchThrowable(b::fetch)).isInstanceOf(IOException.class);
              assertThat(b.calls()).isEqualTo(3);
              assertThat(InnerAdvisorConfig.INNER_CALLS).hasValue(3);
            });
  }

  @Test
  void withSpringBootsAopAutoConfigurationTheInterceptorAppliesOnce() {
    runner
        .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
        .withUserConfiguration(BackendConfig.class)
        .run(
            context -> {
              Backend b = context.getBean(Backend.class);
              IOException failure = new IOException("reset");
              b.failWith(failure);
              assertThat(catchThrowable(b::fetch)).isSameAs(failure);
              assertThat(b.calls()).isEqualTo(3);
            });
  }

  @Test
  void theSwitchTurnsTheInterceptorOff() {
    runner
        .withPropertyValues("reliability.guarded.enabled=false")
        .withUserConfiguration(BackendConfig.class)
        .run(context -> assertThat(AopUtils.isAopProxy(context.getBean(Backend.class))).isFalse());
  }
}
