/**
 * Implementation of leak detection: statistics, JMX and {@code /proc} readers, diagnostic commands
 * and the JFR recorder. Internal: every type here may change at any time.
 */
package dev.reliability.core.leak.internal;
