package dev.reliability.spring.boot.autoconfigure.websocket.internal;

import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.RejectReason;
import dev.reliability.core.connection.Reservation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Reserves a registry slot for each upgrade request before Spring upgrades it, and refuses with an
 * HTTP status and {@code Retry-After} when the registry is full: 429 when the request's key holds
 * its share, 503 when the whole registry is full or shutting down. The reservation travels in the
 * handshake attributes to {@link TrackingWebSocketHandler}, which commits it when the session
 * opens.
 *
 * <p>The reservation is released when no session will open: another interceptor or the handshake
 * refused the request, the handshake threw, or the 101 response cannot be written because the
 * client reset the connection after its upgrade request. For the last case the response is flushed
 * here, while the request is still ours: the container (Tomcat) otherwise writes it after the
 * servlet returns and, when that write fails, calls no WebSocket callback at all, so the slot would
 * wait for the registry's reservation timeout. Thread-safe.
 */
public final class AdmittingHandshakeInterceptor implements HandshakeInterceptor {

  /** The handshake attribute holding the reservation. */
  public static final String RESERVATION_ATTRIBUTE =
      AdmittingHandshakeInterceptor.class.getName() + ".reservation";

  private static final Logger LOG = LoggerFactory.getLogger(AdmittingHandshakeInterceptor.class);

  private final ConnectionRegistry<WebSocketSession> registry;
  private final Function<? super ServerHttpRequest, String> keyOf;

  /**
   * Creates the interceptor.
   *
   * @param registry the registry to reserve in
   * @param keyOf the key of a request (null for none)
   */
  public AdmittingHandshakeInterceptor(
      ConnectionRegistry<WebSocketSession> registry,
      Function<? super ServerHttpRequest, String> keyOf) {
    this.registry = registry;
    this.keyOf = keyOf;
  }

  /**
   * Returns the client's IP address, the default key.
   *
   * @param request the upgrade request
   * @return the address, or null if the container does not know it
   */
  public static String remoteAddress(ServerHttpRequest request) {
    var address = request.getRemoteAddress();
    if (address == null) {
      return null;
    }
    return address.getAddress() != null
        ? address.getAddress().getHostAddress()
        : address.getHostString();
  }

  @Override
  public boolean beforeHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      Map<String, Object> attributes) {
    Reservation<WebSocketSession> reservation = registry.tryReserve(keyOf.apply(request));
    if (!reservation.isGranted()) {
      refuse(response, reservation);
      return false;
    }
    attributes.put(RESERVATION_ATTRIBUTE, reservation);
    if (request instanceof ServletServerHttpRequest servlet) {
      servlet.getServletRequest().setAttribute(RESERVATION_ATTRIBUTE, reservation);
    }
    return true;
  }

  @Override
  public void afterHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      Exception exception) {
    if (!(request instanceof ServletServerHttpRequest servlet)) {
      return; // the registry's reservation timeout is the only release left
    }
    Object held = servlet.getServletRequest().getAttribute(RESERVATION_ATTRIBUTE);
    if (!(held instanceof Reservation<?> reservation)) {
      return;
    }
    servlet.getServletRequest().removeAttribute(RESERVATION_ATTRIBUTE);
    if (exception != null || !(response instanceof ServletServerHttpResponse servletResponse)) {
      reservation.release();
      return;
    }
    if (servletResponse.getServletResponse().getStatus()
        != HttpStatus.SWITCHING_PROTOCOLS.value()) {
      reservation.release(); // refused by the handshake or by a later interceptor: no upgrade
      return;
    }
    try {
      servletResponse.getServletResponse().flushBuffer();
    } catch (IOException | RuntimeException e) {
      // The client is gone before the 101 could be written: no session will open.
      LOG.debug("WebSocket upgrade response could not be written; releasing its slot", e);
      reservation.release();
    }
  }

  private static void refuse(
      ServerHttpResponse response, Reservation<WebSocketSession> reservation) {
    RejectReason reason = reservation.rejectReason();
    HttpStatus status =
        reason == RejectReason.KEY_FULL
            ? HttpStatus.TOO_MANY_REQUESTS
            : HttpStatus.SERVICE_UNAVAILABLE;
    long seconds = Math.max(1, (reservation.retryAfter().toMillis() + 999) / 1000);
    response.setStatusCode(status);
    response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    response
        .getHeaders()
        .setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
    try {
      response
          .getBody()
          .write(("Server at capacity (" + reason + ")\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.debug("Writing a WebSocket refusal failed", e);
    }
  }

  @Override
  public String toString() {
    return "AdmittingHandshakeInterceptor[" + registry.name() + "]";
  }
}
