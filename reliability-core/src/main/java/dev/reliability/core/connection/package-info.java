/**
 * Bounded registries of live connections (WebSocket sessions or anything else): {@link
 * dev.reliability.core.connection.ConnectionRegistry} with its {@link
 * dev.reliability.core.connection.ConnectionRegistryConfig}, reserve-then-commit admission ({@link
 * dev.reliability.core.connection.Reservation}), the handle of a registered connection ({@link
 * dev.reliability.core.connection.RegisteredConnection}), RFC 6455 close statuses ({@link
 * dev.reliability.core.connection.CloseStatus}), statistics and listeners. The SPI {@link
 * dev.reliability.core.connection.ConnectionTransport} connects a WebSocket stack; the {@code
 * jetty} and {@code jakarta} subpackages implement it for Jetty 12 and Jakarta WebSocket.
 */
package dev.reliability.core.connection;
