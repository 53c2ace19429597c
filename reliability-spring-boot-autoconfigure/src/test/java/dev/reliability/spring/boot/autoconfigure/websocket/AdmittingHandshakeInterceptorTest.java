package dev.reliability.spring.boot.autoconfigure.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.RejectReason;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

class AdmittingHandshakeInterceptorTest {

  private final ConnectionRegistry<WebSocketSession> registry =
      ConnectionRegistry.builder(ReliableWebSockets.transport())
          .config(
              ConnectionRegistryConfig.builder()
                  .maxConnections(2)
                  .maxConnectionsPerKey(1)
                  .retryAfter(Duration.ofMillis(2500))
                  .sweepInterval(Duration.ZERO)
                  .build())
          .build();
  private final HandshakeInterceptor interceptor =
      ReliableWebSockets.of(registry).handshakeInterceptor();

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void anAddressHoldingItsShareIsRefusedWith429AndRetryAfterInWholeSeconds() throws Exception {
    assertThat(handshake("10.0.0.1", new MockHttpServletResponse())).isTrue();
    MockHttpServletResponse refused = new MockHttpServletResponse();

    assertThat(handshake("10.0.0.1", refused)).isFalse();

    assertThat(refused.getStatus()).isEqualTo(429);
    assertThat(refused.getHeader("Retry-After")).isEqualTo("3");
    assertThat(registry.count("10.0.0.1")).isEqualTo(1);
  }

  @Test
  void aFullRegistryRefusesWith503() throws Exception {
    handshake("10.0.0.1", new MockHttpServletResponse());
    handshake("10.0.0.2", new MockHttpServletResponse());
    MockHttpServletResponse refused = new MockHttpServletResponse();

    assertThat(handshake("10.0.0.3", refused)).isFalse();

    assertThat(refused.getStatus()).isEqualTo(503);
    assertThat(refused.getContentAsString()).contains(RejectReason.REGISTRY_FULL.name());
  }

  @Test
  void aRegistryShuttingDownRefusesWith503() throws Exception {
    registry.shutdown(Duration.ZERO);
    MockHttpServletResponse refused = new MockHttpServletResponse();

    assertThat(handshake("10.0.0.1", refused)).isFalse();

    assertThat(refused.getStatus()).isEqualTo(503);
  }

  @Test
  void aHandshakeThatDidNotUpgradeGivesItsSlotBack() throws Exception {
    MockHttpServletRequest request = request("10.0.0.1");
    MockHttpServletResponse response = new MockHttpServletResponse();
    before(request, response);
    assertThat(registry.reservedCount()).isEqualTo(1);

    response.setStatus(400); // a later interceptor or the handshake refused
    after(request, response, null);

    assertThat(registry.reservedCount()).isZero();
  }

  @Test
  void aHandshakeThatThrewGivesItsSlotBack() throws Exception {
    MockHttpServletRequest request = request("10.0.0.1");
    MockHttpServletResponse response = new MockHttpServletResponse();
    before(request, response);
    response.setStatus(101);

    after(request, response, new IllegalStateException("upgrade failed"));

    assertThat(registry.reservedCount()).isZero();
  }

  @Test
  void anUpgradeWhose101CannotBeWrittenGivesItsSlotBackAndOneThatWasWrittenKeepsIt()
      throws Exception {
    MockHttpServletRequest reset = request("10.0.0.1");
    MockHttpServletResponse resetResponse = new MockHttpServletResponse();
    before(reset, resetResponse);
    resetResponse.setStatus(101);
    HttpServletResponseWrapper failing =
        new HttpServletResponseWrapper(resetResponse) {
          @Override
          public void flushBuffer() throws IOException {
            throw new IOException("Connection reset by peer");
          }
        };
    interceptor.afterHandshake(
        new ServletServerHttpRequest(reset),
        new ServletServerHttpResponse(failing),
        new TextWebSocketHandler(),
        null);
    assertThat(registry.reservedCount()).isZero();

    MockHttpServletRequest upgraded = request("10.0.0.2");
    MockHttpServletResponse upgradedResponse = new MockHttpServletResponse();
    Map<String, Object> attributes = before(upgraded, upgradedResponse);
    upgradedResponse.setStatus(101);
    after(upgraded, upgradedResponse, null);

    assertThat(upgradedResponse.isCommitted()).isTrue();
    assertThat(registry.reservedCount()).as("kept for the session's open").isEqualTo(1);
    assertThat(attributes)
        .containsKey(
            dev.reliability.spring.boot.autoconfigure.websocket.internal
                .AdmittingHandshakeInterceptor.RESERVATION_ATTRIBUTE);
  }

  private boolean handshake(String address, MockHttpServletResponse response) throws Exception {
    return interceptor.beforeHandshake(
        new ServletServerHttpRequest(request(address)),
        new ServletServerHttpResponse(response),
        new TextWebSocketHandler(),
        new HashMap<>());
  }

  private Map<String, Object> before(
      MockHttpServletRequest request, MockHttpServletResponse response) throws Exception {
    Map<String, Object> attributes = new HashMap<>();
    assertThat(
            interceptor.beforeHandshake(
                new ServletServerHttpRequest(request),
                new ServletServerHttpResponse(response),
                new TextWebSocketHandler(),
                attributes))
        .isTrue();
    return attributes;
  }

  private void after(
      MockHttpServletRequest request, MockHttpServletResponse response, Exception failure) {
    interceptor.afterHandshake(
        new ServletServerHttpRequest(request),
        new ServletServerHttpResponse(response),
        new TextWebSocketHandler(),
        failure);
  }

  private static MockHttpServletRequest request(String address) {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/echo");
    request.setRemoteAddr(address);
    request.setRemoteHost(address);
    return request;
  }
}
