package dev.reliability.spring.archfixture.internal;

import dev.reliability.core.connection.jetty.JettyConnections;

/**
 * The Spring integration adapting a container's sessions through the library's WebSocket adapters,
 * as its WebSocket transport does with the Jakarta one: allowed.
 */
public class SpringUsesJettyAdapter {
  public Class<?> allowed() {
    return JettyConnections.class;
  }
}
