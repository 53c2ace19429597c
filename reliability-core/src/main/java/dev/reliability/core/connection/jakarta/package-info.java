/**
 * Adapter of the connection registry for Jakarta WebSocket: {@link
 * dev.reliability.core.connection.jakarta.JakartaConnections}. Needs the optional dependency {@code
 * jakarta.websocket:jakarta.websocket-api}.
 */
package dev.reliability.core.connection.jakarta;
