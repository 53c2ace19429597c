package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12, defect 8: every duration, size and count setting of every module has an upper bound, so
 * a huge value fails at start-up with the setting's rule instead of overflowing later (a {@code
 * 200000d} time limit used to throw {@code ArithmeticException: long overflow}). The values below
 * all parse as numbers, so only a declared bound rejects them.
 */
class EverySettingIsBoundedTest {

  static Stream<Named<Setting<?>>> boundedSettings() {
    List<Named<Setting<?>>> settings = new ArrayList<>();
    for (ConfigurationReferenceTest.Component c : ConfigurationReferenceTest.components()) {
      for (Setting<?> s : c.settings()) {
        if (List.of("duration", "size", "integer", "number").contains(s.type())) {
          settings.add(Named.of(c.prefix() + "." + s.name(), s));
        }
      }
    }
    return settings.stream();
  }

  @Test
  void findsTheSettingsOfEveryModule() {
    assertThat(boundedSettings().map(Named::getPayload).map(Setting::type))
        .contains("duration", "size", "integer", "number")
        .hasSizeGreaterThan(60);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("boundedSettings")
  void hugeValueIsRejectedWithTheSettingsRule(Setting<?> setting) {
    String huge =
        switch (setting.type()) {
          case "duration" -> "100000d";
          case "size" -> "17592186044417";
          default -> "99999999999";
        };
    assertThatThrownBy(() -> setting.parse(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(setting.rule());
    if (setting.type().equals("size")) {
      assertThatThrownBy(() -> setting.parse("1048576TB")).hasMessage(setting.rule());
    }
  }
}
