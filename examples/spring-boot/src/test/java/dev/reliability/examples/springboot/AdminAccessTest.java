package dev.reliability.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.AuthenticationException;
import dev.reliability.core.error.AuthorizationException;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;

/** Who may change the backend's faults: loopback clients, or holders of the admin token. */
class AdminAccessTest {

  @Test
  void withoutATokenOnlyLoopbackClientsAreAnswered() {
    AdminAccess access = new AdminAccess("");

    access.check(null, "127.0.0.1", new MockHttpServletResponse());
    access.check(null, "0:0:0:0:0:0:0:1", new MockHttpServletResponse());
    assertThatThrownBy(() -> access.check(null, "192.0.2.7", new MockHttpServletResponse()))
        .isInstanceOf(AuthorizationException.class)
        .hasMessageContaining("loopback clients only");
    assertThatThrownBy(() -> access.check(null, "localhost", new MockHttpServletResponse()))
        .isInstanceOf(AuthorizationException.class);
  }

  @Test
  void withATokenEveryClientNeedsTheBearerTokenAndARefusalNamesTheScheme() {
    AdminAccess access = new AdminAccess("s3cret");

    access.check("Bearer s3cret", "192.0.2.7", new MockHttpServletResponse());
    access.check("bearer s3cret", "192.0.2.7", new MockHttpServletResponse());
    MockHttpServletResponse refused = new MockHttpServletResponse();
    assertThatThrownBy(() -> access.check("Bearer guess", "127.0.0.1", refused))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageNotContaining("s3cret");
    assertThat(refused.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"admin\"");
    assertThatThrownBy(() -> access.check(null, "127.0.0.1", new MockHttpServletResponse()))
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void theBearerTokenIsReadFromTheHeaderOnly() {
    assertThat(AdminAccess.bearerToken("Bearer  abc ")).isEqualTo("abc");
    assertThat(AdminAccess.bearerToken("Basic abc")).isEmpty();
    assertThat(AdminAccess.bearerToken("Bearer")).isEmpty();
    assertThat(AdminAccess.bearerToken(null)).isEmpty();
  }
}
