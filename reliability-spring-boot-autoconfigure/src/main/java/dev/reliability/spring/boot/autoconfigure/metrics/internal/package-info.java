/**
 * Implementation of the metrics auto-configuration. Not API: every class here may change at any
 * time.
 */
package dev.reliability.spring.boot.autoconfigure.metrics.internal;
