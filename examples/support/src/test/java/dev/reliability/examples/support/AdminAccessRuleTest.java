package dev.reliability.examples.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.AuthenticationException;
import dev.reliability.core.error.AuthorizationException;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who may use {@code /admin/*}: without an admin token, loopback clients only (the services bind
 * 127.0.0.1, so other peers are checked here on the rule itself); with one, holders of the token.
 */
class AdminAccessRuleTest {

  private final AdminAccessRule withoutToken = new AdminAccessRule(null);
  private final Map<String, String> headers = new LinkedHashMap<>();

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "::1", "[::1]", "0:0:0:0:0:0:0:1"})
  void loopbackPeersAreAnswered(String peer) {
    withoutToken.check(null, peer, response());
    assertThat(AdminAccessRule.isLoopback(peer)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"192.0.2.1", "10.0.0.1", "::2", "fe80::1", "localhost", "127.1", "", "dead.beef"})
  void otherPeersGet403(String peer) {
    assertThatThrownBy(() -> withoutToken.check("Bearer anything", peer, response()))
        .isInstanceOf(AuthorizationException.class)
        .hasMessage(
            "The admin endpoints answer loopback clients only; set ADMIN_TOKEN to allow others");
  }

  @Test
  void anEmptyTokenMeansNoTokenNotAnEmptyPassword() {
    AdminAccessRule empty = new AdminAccessRule("");

    assertThatThrownBy(() -> empty.check(null, "192.0.2.7", response()))
        .isInstanceOf(AuthorizationException.class);
  }

  @Test
  void withATokenEveryClientNeedsTheBearerTokenAndARefusalNamesTheScheme() {
    AdminAccessRule rule = new AdminAccessRule("s3cret");

    rule.check("Bearer s3cret", "192.0.2.7", response());
    rule.check("bearer s3cret", "192.0.2.7", response());
    assertThat(headers).isEmpty();
    assertThatThrownBy(() -> rule.check("Bearer guess", "127.0.0.1", response()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageNotContaining("s3cret");
    assertThat(headers).containsEntry("WWW-Authenticate", "Bearer realm=\"admin\"");
    assertThatThrownBy(() -> rule.check(null, "127.0.0.1", response()))
        .isInstanceOf(AuthenticationException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer abc", "bearer abc", "BEARER   abc  "})
  void bearerCredentialsAreRead(String header) {
    assertThat(AdminAccessRule.bearerToken(header)).isEqualTo("abc");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Bearer", "Bearer ", "Basic abc", "Bearerabc", "Token abc"})
  void otherSchemesGiveNoCredentials(String header) {
    assertThat(AdminAccessRule.bearerToken(header)).isEmpty();
  }

  @Test
  void aNullHeaderGivesNoCredentials() {
    assertThat(AdminAccessRule.bearerToken(null)).isEmpty();
  }

  /** A response that records the headers set on it and supports nothing else. */
  private HttpServletResponse response() {
    return (HttpServletResponse)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {HttpServletResponse.class},
            (proxy, method, args) -> {
              if (method.getName().equals("setHeader")) {
                headers.put((String) args[0], (String) args[1]);
                return null;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
