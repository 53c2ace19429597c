/**
 * Implementation of {@link dev.reliability.reactor}: one guarded subscription and the hand-over
 * between its signals and a cancellation.
 *
 * <p>Internal: every type here may change or disappear in any release.
 */
package dev.reliability.reactor.internal;
