/**
 * Jakarta Servlet filters: request context ({@link
 * dev.reliability.tracing.servlet.RequestContextServletFilter}) and problem+json error handling
 * ({@link dev.reliability.tracing.servlet.ProblemJsonServletFilter}). The Servlet API is an
 * optional dependency: add {@code jakarta.servlet:jakarta.servlet-api} 6 (your container provides
 * it).
 */
package dev.reliability.tracing.servlet;
