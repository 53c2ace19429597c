package dev.reliability.core.archfixture.internal;

import dev.reliability.core.connection.jetty.JettyConnections;

/** A deliberately wrong-way edge: an internal package that needs the optional Jetty adapter. */
public class InternalUsesJettyAdapter {
  public Class<?> forbidden() {
    return JettyConnections.class;
  }
}
