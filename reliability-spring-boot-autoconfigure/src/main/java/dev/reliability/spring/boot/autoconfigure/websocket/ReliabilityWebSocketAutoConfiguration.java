package dev.reliability.spring.boot.autoconfigure.websocket;

import dev.reliability.core.connection.ConnectionListener;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.time.TimeSource;
import dev.reliability.spring.boot.autoconfigure.SpringConfigSource;
import dev.reliability.spring.boot.autoconfigure.websocket.internal.OnSessionRegistryCondition;
import dev.reliability.spring.boot.autoconfigure.websocket.internal.WebSocketDrainLifecycle;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Spring WebSocket on a servlet server: one bounded {@link ConnectionRegistry} built from {@code
 * reliability.websocket.*} (the registry's settings in the configuration reference, readable from
 * {@code application.yml}), the {@link ReliableWebSockets} that applies it to handlers (admission
 * at the handshake, tracking and outbound bounds), and a lifecycle that closes every session with
 * the shutdown status (1001) before the web server stops.
 *
 * <p>Starts when Spring WebSocket is on the class path of a servlet application; {@code
 * reliability.websocket.enabled=false} turns it off. Every bean backs off for one of the
 * application's own. Handlers are not decorated automatically: apply {@link ReliableWebSockets}
 * where they are registered. WebFlux WebSocket is not covered.
 */
@AutoConfiguration
@ConditionalOnClass({WebSocketSession.class, HandshakeInterceptor.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(
    prefix = ConnectionRegistryConfig.CONFIG_PREFIX,
    name = "enabled",
    matchIfMissing = true)
public class ReliabilityWebSocketAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public ReliabilityWebSocketAutoConfiguration() {}

  /**
   * The registry, named {@code websocket}, with the settings of {@code reliability.websocket.*}
   * (and {@code reliability.websocket.websocket.*}) from the environment and every {@link
   * ConnectionListener} bean, on the {@link TimeSource} bean if there is exactly one (tests give a
   * manual one) or the system clock. Closed with the context.
   *
   * @param environment the application's environment
   * @param listeners the listener beans
   * @param timeSource the time source bean, if any
   * @return the registry
   * @throws dev.reliability.core.config.ConfigurationException if a setting is invalid
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(ConnectionRegistry.class)
  public ConnectionRegistry<WebSocketSession> reliabilityWebSocketConnectionRegistry(
      Environment environment,
      ObjectProvider<ConnectionListener> listeners,
      ObjectProvider<TimeSource> timeSource) {
    ConnectionRegistry.Builder<WebSocketSession> builder =
        ConnectionRegistry.builder(ReliableWebSockets.transport())
            .config(
                ConnectionRegistryConfig.ofDefaults()
                    .withOverrides(SpringConfigSource.of(environment)));
    listeners.orderedStream().forEach(builder::listener);
    timeSource.ifUnique(builder::timeSource);
    return builder.build();
  }

  /**
   * The handshake interceptor and handler decorator over the registry, when the context holds one
   * {@code ConnectionRegistry<WebSocketSession>} (ours or the application's).
   *
   * @param registry the registry
   * @return the integration
   */
  @Bean
  @ConditionalOnMissingBean
  @Conditional(OnSessionRegistryCondition.class)
  public ReliableWebSockets reliableWebSockets(ConnectionRegistry<WebSocketSession> registry) {
    return ReliableWebSockets.of(registry);
  }

  /**
   * Closes every session with the shutdown status when the context stops, before the web server.
   *
   * @param sockets the integration whose registry to shut down
   * @return the lifecycle
   */
  @Bean
  @ConditionalOnBean(ReliableWebSockets.class)
  public WebSocketDrainLifecycle reliabilityWebSocketDrainLifecycle(ReliableWebSockets sockets) {
    return new WebSocketDrainLifecycle(sockets.registry());
  }
}
