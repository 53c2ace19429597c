package dev.reliability.health.http;

/**
 * Who may see the detailed health view ({@code /health}): check messages and details, resources and
 * performance. Everyone else gets the minimal status body. Details are sanitised either way; this
 * policy decides whether they are shown at all.
 */
public enum ShowDetails {
  /** Nobody; the default, so a public endpoint leaks nothing about the service's insides. */
  NEVER,
  /** Requests the endpoint's authoriser accepts (such as a valid token or an internal address). */
  WHEN_AUTHORIZED,
  /** Everyone; for endpoints that only internal networks can reach. */
  ALWAYS
}
