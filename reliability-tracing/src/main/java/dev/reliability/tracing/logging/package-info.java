/**
 * Structured JSON logging with Logback and logstash-logback-encoder: the masking profile ({@link
 * dev.reliability.tracing.logging.RedactingValueMasker}) and the async appender that keeps trace
 * IDs right ({@link dev.reliability.tracing.logging.TraceContextAsyncAppender}). The ready
 * configuration is the resource {@code reliability/logback-json.xml}, included with one line.
 * Logback and logstash-logback-encoder are optional dependencies: add them to use this package.
 */
package dev.reliability.tracing.logging;
