package dev.reliability.spring.boot.autoconfigure.websocket.internal;

import dev.reliability.core.connection.ConnectionRegistry;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.ResolvableType;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.web.socket.WebSocketSession;

/**
 * Matches when the context holds exactly one {@code ConnectionRegistry<WebSocketSession>}: a
 * registry of another connection type (Jetty's or Jakarta's sessions) is not one Spring WebSocket
 * handlers can use, and must not fail the start.
 */
public final class OnSessionRegistryCondition extends SpringBootCondition {

  private static final ResolvableType TYPE =
      ResolvableType.forClassWithGenerics(ConnectionRegistry.class, WebSocketSession.class);

  /** Creates the condition; Spring calls it. */
  public OnSessionRegistryCondition() {}

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    ConfigurableListableBeanFactory beans = context.getBeanFactory();
    if (beans == null) {
      return ConditionOutcome.noMatch("no bean factory");
    }
    String[] names = beans.getBeanNamesForType(TYPE, true, false);
    return names.length == 1
        ? ConditionOutcome.match("one ConnectionRegistry<WebSocketSession>: " + names[0])
        : ConditionOutcome.noMatch(names.length + " ConnectionRegistry<WebSocketSession> beans");
  }
}
