package dev.reliability.core.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CloseStatusTest {

  @ParameterizedTest(name = "{0} may not be sent")
  @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000})
  void refusesCodesThatMayNotBeSent(int code) {
    assertThat(CloseStatus.isSendable(code)).isFalse();
    assertThatThrownBy(() -> CloseStatus.of(code, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "close code must be a code that may be sent (1000-1003, 1007-1014 or 3000-4999), was "
                + code);
  }

  @ParameterizedTest(name = "{0} may be sent")
  @ValueSource(ints = {1000, 1001, 1003, 1007, 1008, 1011, 1012, 1013, 1014, 3000, 4999})
  void acceptsCodesThatMayBeSent(int code) {
    CloseStatus status = CloseStatus.of(code, "why");
    assertThat(status.code()).isEqualTo(code);
    assertThat(status.reason()).isEqualTo("why");
    assertThat(status).hasToString(code + " why");
  }

  @ParameterizedTest(name = "reason of {0} bytes")
  @ValueSource(ints = {0, 1, 122, 123})
  void acceptsReasonsThatFitAControlFrame(int length) {
    assertThat(CloseStatus.of(1000, "x".repeat(length)).reason()).hasSize(length);
  }

  @ParameterizedTest(name = "{0} two-byte characters")
  @ValueSource(ints = {62, 100})
  void refusesReasonsLongerThan123BytesInUtf8(int characters) {
    assertThatThrownBy(() -> CloseStatus.of(1000, "\u00e9".repeat(characters)))
        .hasMessage(
            "close reason must be at most 123 bytes in UTF-8, was " + (characters * 2) + " bytes");
  }

  @ParameterizedTest(name = "null reason")
  @ValueSource(ints = {1000})
  void refusesANullReason(int code) {
    assertThatThrownBy(() -> CloseStatus.of(code, null)).hasMessage("reason must not be null");
  }
}
