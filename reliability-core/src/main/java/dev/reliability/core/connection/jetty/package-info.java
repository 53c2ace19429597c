/**
 * Adapter of the connection registry for Jetty 12's own WebSocket API: {@link
 * dev.reliability.core.connection.jetty.JettyConnections}. Needs the optional dependency {@code
 * org.eclipse.jetty.websocket:jetty-websocket-jetty-server}.
 */
package dev.reliability.core.connection.jetty;
