/**
 * Implementation of the Spring WebSocket integration: the transport over Spring's sessions, the
 * admitting handshake interceptor, the tracking handler decorator and the shutdown lifecycle. Not
 * API: every class here may change at any time; use {@code ReliableWebSockets}.
 */
package dev.reliability.spring.boot.autoconfigure.websocket.internal;
