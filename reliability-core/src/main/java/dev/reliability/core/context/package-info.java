/**
 * The request context: one authoritative {@link dev.reliability.core.context.RequestContext}
 * (request ID and correlation fields) bound with try-with-resources and mirrored into SLF4J's MDC;
 * its propagation across threads on Micrometer's context-propagation library ({@link
 * dev.reliability.core.context.ContextPropagation}, {@link
 * dev.reliability.core.context.RequestContextAccessor}); request-ID validation and minting ({@link
 * dev.reliability.core.context.RequestIdSanitizer}, {@link
 * dev.reliability.core.context.RequestIds}); and a hygiene check for tests ({@link
 * dev.reliability.core.context.ContextHygiene}).
 */
package dev.reliability.core.context;
