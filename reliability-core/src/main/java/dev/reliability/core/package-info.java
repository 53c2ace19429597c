/**
 * Shared building blocks of reliability-core: argument {@link dev.reliability.core.Checks} with the
 * project's message shape and {@link dev.reliability.core.DurationText}. The capabilities live in
 * subpackages: {@code error} (exception hierarchy, classification, problem details), {@code config}
 * (settings, sources, validation), {@code time} (the injectable time source) and {@code redaction}
 * (masking secrets).
 */
package dev.reliability.core;
