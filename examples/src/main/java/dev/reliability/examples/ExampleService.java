package dev.reliability.examples;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.Setting;
import dev.reliability.core.error.ProblemDetailFactory;
import java.io.PrintStream;
import java.util.List;

/**
 * The example service's entry point. For now it reads and validates its configuration and prints
 * it; the HTTP endpoints arrive with the example-service work.
 */
public final class ExampleService {

  static final Setting<Integer> PORT =
      Setting.intSetting("port")
          .defaultValue(8080)
          .between(0, 65535)
          .description("HTTP port on 127.0.0.1")
          .build();

  static final Setting<Integer> WS_MAX_CONNECTIONS =
      Setting.intSetting("ws-max-connections")
          .defaultValue(1000)
          .between(1, 1_000_000)
          .description("Maximum concurrent WebSocket connections")
          .build();

  static final List<Setting<?>> SETTINGS = List.of(PORT, WS_MAX_CONNECTIONS);

  private ExampleService() {}

  /**
   * Starts the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    run(
        ConfigSource.standard()
            .withAliases(
                java.util.Map.of(
                    "example.port", "PORT", "example.ws-max-connections", "WS_MAX_CONNECTIONS")),
        System.out);
  }

  static void run(ConfigSource source, PrintStream out) {
    ConfigBinder config = ConfigBinder.of(source, "example");
    int port = config.get(PORT);
    int wsMax = config.get(WS_MAX_CONNECTIONS);
    boolean dev = ProblemDetailFactory.builder().config(source).build().developmentMode();
    config.throwIfInvalid();
    out.println(
        "reliability example: port="
            + port
            + " ws-max-connections="
            + wsMax
            + " development-mode="
            + dev);
  }
}
