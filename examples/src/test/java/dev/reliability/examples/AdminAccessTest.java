package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.AuthorizationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12, defect 10: without an admin token, {@code /admin/*} answers loopback clients only. The
 * service binds 127.0.0.1, so other peers are checked here on the guard itself.
 */
class AdminAccessTest {

  private final AdminAccess withoutToken = new AdminAccess(null);

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "::1", "[::1]", "0:0:0:0:0:0:0:1"})
  void loopbackPeersAreAnswered(String peer) {
    withoutToken.check(null, peer, null);
    assertThat(AdminAccess.isLoopback(peer)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"192.0.2.1", "10.0.0.1", "::2", "fe80::1", "localhost", "127.1", "", "dead.beef"})
  void otherPeersGet403(String peer) {
    assertThatThrownBy(() -> withoutToken.check("Bearer anything", peer, null))
        .isInstanceOf(AuthorizationException.class)
        .hasMessage(
            "The admin endpoints answer loopback clients only; set ADMIN_TOKEN to allow others");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer abc", "bearer abc", "BEARER   abc  "})
  void bearerCredentialsAreRead(String header) {
    assertThat(AdminAccess.bearerToken(header)).isEqualTo("abc");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Bearer", "Bearer ", "Basic abc", "Bearerabc", "Token abc"})
  void otherSchemesGiveNoCredentials(String header) {
    assertThat(AdminAccess.bearerToken(header)).isEmpty();
  }
}
