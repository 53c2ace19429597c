/**
 * RFC 9457 problem details: {@link dev.reliability.core.problem.ProblemDetail}, the safe error
 * response that carries the request ID, and {@link
 * dev.reliability.core.problem.ProblemDetailFactory}, which builds one from any failure through the
 * {@link dev.reliability.core.error.ErrorClassifier} and the {@link
 * dev.reliability.core.redaction.Redactor}. Kept apart from {@code error} so that the exception
 * hierarchy does not depend on configuration, which problem details read.
 */
package dev.reliability.core.problem;
