package dev.reliability.examples;

import dev.reliability.examples.support.AdminAccessRule;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Guards {@code /admin/*} with the {@link AdminAccessRule}: with an admin token ({@code
 * ADMIN_TOKEN}) a request must carry it as a Bearer token (401 otherwise), without one only
 * loopback clients are answered (403 otherwise).
 *
 * <p>Thread-safe. Placed after the problem+json filter, which renders the refusals.
 */
final class AdminAccess implements Filter {

  private final AdminAccessRule rule;

  /**
   * Creates the guard.
   *
   * @param token the admin token, or null to answer loopback clients only
   */
  AdminAccess(String token) {
    this.rule = new AdminAccessRule(token);
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    rule.check(
        http.getHeader("Authorization"), http.getRemoteAddr(), (HttpServletResponse) response);
    chain.doFilter(request, response);
  }
}
