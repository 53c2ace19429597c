/**
 * Reliability for Reactor: a {@code Policy} applied to a {@code Mono} or {@code Flux} as an
 * operator, without blocking, with the request context carried in Reactor's {@code Context}.
 */
module dev.reliability.reactor {
  requires transitive dev.reliability.core;
  requires transitive reactor.core;
  requires transitive org.reactivestreams;
  requires context.propagation;
  requires org.slf4j;

  exports dev.reliability.reactor;
}
