/**
 * Implementation of the connection registry. Internal: every type here may change at any time; use
 * {@link dev.reliability.core.connection.ConnectionRegistry}.
 */
package dev.reliability.core.connection.internal;
