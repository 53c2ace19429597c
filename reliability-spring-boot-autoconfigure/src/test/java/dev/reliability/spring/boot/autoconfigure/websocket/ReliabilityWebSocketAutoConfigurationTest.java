package dev.reliability.spring.boot.autoconfigure.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.ConnectionTransport;
import dev.reliability.core.connection.OverflowPolicy;
import dev.reliability.spring.boot.autoconfigure.websocket.internal.WebSocketDrainLifecycle;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.WebSocketSession;

class ReliabilityWebSocketAutoConfigurationTest {

  private final WebApplicationContextRunner servlet =
      new WebApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ReliabilityWebSocketAutoConfiguration.class));

  @Test
  void aServletApplicationWithSpringWebSocketGetsTheRegistryFromItsSettings() {
    servlet
        .withPropertyValues(
            // The guide's example (docs/spring-boot.md, WebSocket), as properties.
            "reliability.websocket.max-connections=5000",
            "reliability.websocket.max-connections-per-key=20",
            "reliability.websocket.idle-timeout=2m",
            "reliability.websocket.max-queued-bytes=256KB",
            "reliability.websocket.overflow-policy=drop-oldest")
        .run(
            context -> {
              assertThat(context).hasSingleBean(ConnectionRegistry.class);
              assertThat(context).hasSingleBean(ReliableWebSockets.class);
              assertThat(context).hasSingleBean(WebSocketDrainLifecycle.class);
              ConnectionRegistryConfig config = context.getBean(ConnectionRegistry.class).config();
              assertThat(config.name()).isEqualTo(ConnectionRegistryConfig.DEFAULT_NAME);
              assertThat(config.maxConnections()).isEqualTo(5000);
              assertThat(config.maxConnectionsPerKey()).isEqualTo(20);
              assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
              assertThat(config.maxQueuedBytes()).isEqualTo(256 * 1024);
              assertThat(config.overflowPolicy()).isEqualTo(OverflowPolicy.DROP_OLDEST);
              assertThat(context.getBean(ReliableWebSockets.class).registry())
                  .isSameAs(context.getBean(ConnectionRegistry.class));
            });
  }

  @Test
  void anInvalidSettingFailsTheStartWithTheSettingsMessage() {
    servlet
        .withPropertyValues("reliability.websocket.max-connections=0")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(ConfigurationException.class)
                  .hasMessageContaining(
                      "reliability.websocket.max-connections must be a whole number between 1 and"
                          + " 10000000, was \"0\"");
            });
  }

  @Test
  void nothingStartsWhenSwitchedOff() {
    servlet
        .withPropertyValues("reliability.websocket.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(ConnectionRegistry.class);
              assertThat(context).doesNotHaveBean(ReliableWebSockets.class);
            });
  }

  @Test
  void nothingStartsWithoutSpringWebSocket() {
    servlet
        .withClassLoader(new FilteredClassLoader(WebSocketSession.class))
        .run(context -> assertThat(context).doesNotHaveBean(ConnectionRegistry.class));
  }

  @Test
  void nothingStartsOutsideAServletApplication() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ReliabilityWebSocketAutoConfiguration.class))
        .run(context -> assertThat(context).doesNotHaveBean(ConnectionRegistry.class));
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ReliabilityWebSocketAutoConfiguration.class))
        .run(context -> assertThat(context).doesNotHaveBean(ConnectionRegistry.class));
  }

  @Test
  void anApplicationsOwnRegistryReplacesOurs() {
    servlet
        .withUserConfiguration(OwnRegistry.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(ConnectionRegistry.class);
              assertThat(context.getBean(ConnectionRegistry.class).name()).isEqualTo("chat");
              assertThat(context.getBean(ReliableWebSockets.class).registry().name())
                  .isEqualTo("chat");
            });
  }

  @Test
  void aRegistryOfAnotherConnectionTypeReplacesOursWithoutFailingTheStart() {
    servlet
        .withUserConfiguration(OtherRegistry.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(ConnectionRegistry.class);
              assertThat(context).doesNotHaveBean(ReliableWebSockets.class);
              assertThat(context).doesNotHaveBean(WebSocketDrainLifecycle.class);
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OtherRegistry {
    @Bean(destroyMethod = "close")
    ConnectionRegistry<Object> counted() {
      return ConnectionRegistry.builder(ConnectionTransport.discarding())
          .config(ConnectionRegistryConfig.builder().name("counted").build())
          .build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnRegistry {
    @Bean(destroyMethod = "close")
    ConnectionRegistry<WebSocketSession> chat() {
      return ConnectionRegistry.builder(ReliableWebSockets.transport())
          .config(ConnectionRegistryConfig.builder().name("chat").build())
          .build();
    }
  }
}
