package dev.reliability.spring.boot.autoconfigure.websocket;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Spring WebSocket: a bounded {@code ConnectionRegistry}, admission at the handshake and tracking
 * of each session.
 *
 * <p>Not yet wired: this class is filled in as the part lands.
 */
@AutoConfiguration
public class ReliabilityWebSocketAutoConfiguration {}
