package dev.reliability.examples.springboot;

import dev.reliability.examples.support.AdminAccessRule;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Guards {@code /admin/**} with the {@link AdminAccessRule}, as the plain example does: with an
 * admin token ({@code example.admin-token}, from {@code ADMIN_TOKEN}) a request must carry it as a
 * Bearer token (401 otherwise), without one only loopback clients are answered (403 otherwise).
 *
 * <p>The refusals are the library's exceptions, thrown before the controller runs; the starter
 * renders them as problem+json with the request ID. Thread-safe.
 */
@Configuration(proxyBeanMethods = false)
class AdminAccess implements WebMvcConfigurer, HandlerInterceptor {

  private final AdminAccessRule rule;

  /**
   * Creates the guard.
   *
   * @param token the admin token; empty to answer loopback clients only
   */
  AdminAccess(@Value("${example.admin-token:}") String token) {
    this.rule = new AdminAccessRule(token);
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(this).addPathPatterns("/admin/**");
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    rule.check(request.getHeader("Authorization"), request.getRemoteAddr(), response);
    return true;
  }
}
