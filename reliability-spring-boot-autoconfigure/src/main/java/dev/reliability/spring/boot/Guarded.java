package dev.reliability.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a Spring bean's method through a named policy: {@code @Guarded("quote-backend")} on a
 * method, or on a type for each of its public methods (a method's own annotation wins).
 *
 * <pre>{@code
 * @Service
 * class QuoteClient {
 *   @Guarded("quote-backend")
 *   Quote fetch(String symbol) throws IOException { ... }
 * }
 * }</pre>
 *
 * <p>A method that returns a value runs as {@code policy.call(...)}: the method's own exceptions,
 * checked ones too, reach the caller unchanged, and the policy's rejections are its {@code
 * ReliabilityException}s ({@code CircuitOpenException}, ...). A method that returns a {@code
 * CompletionStage} or {@code CompletableFuture} runs on the policy's asynchronous path ({@code
 * policy.executeAsync}): each retry calls the method again. A method that returns a Reactor {@code
 * Mono} or {@code Flux} (or a {@code Publisher}, guarded as a {@code Flux}) is guarded with {@code
 * PolicyOperator} from {@code dev.reliability:reliability-reactor}, which must then be on the class
 * path (else the start fails naming it): each subscription is one call of the policy, and the
 * method is invoked at subscription and again for each retry (inside {@code Mono.defer}), so
 * nothing runs until the returned publisher is subscribed; an exception the method throws is the
 * attempt's error. Other publisher types, and a policy that hedges or has chaos strategies, fail
 * the start on a reactive method.
 *
 * <p>The policy must be declared ({@code reliability.policies.<name>} in application.yml, or
 * created in the {@code PolicyRegistry} bean before the application starts): an unknown name fails
 * the start. As with any Spring proxy, only calls from outside the bean are guarded, not a method
 * calling another method of the same object. Turned off with {@code reliability.guarded.enabled:
 * false}.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface Guarded {

  /**
   * The name of the policy that guards the calls.
   *
   * @return the policy's name
   */
  String value();
}
