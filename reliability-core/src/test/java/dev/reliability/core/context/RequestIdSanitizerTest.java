package dev.reliability.core.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.context.RequestIdSanitizer.Rejection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestIdSanitizerTest {

  private final RequestIdSanitizer sanitizer =
      RequestIdSanitizer.builder().minter(() -> "minted").build();

  @ParameterizedTest(name = "keeps {0}")
  @CsvSource({
    "req_abc123",
    "550e8400-e29b-41d4-a716-446655440000",
    "01ARZ3NDEKTSV4RRFFQ69G5FAV",
    "dGVzdA==",
    "svc-a:trace/1.2+3"
  })
  void keepsWellFormedIds(String id) {
    assertThat(sanitizer.sanitize(id)).isEqualTo(id);
    assertThat(sanitizer.isAcceptable(id)).isTrue();
    assertThat(sanitizer.rejectedCount()).isZero();
  }

  @Test
  void mintsAnIdWhenNoneWasSentWithoutCountingARejection() {
    assertThat(sanitizer.sanitize(null)).isEqualTo("minted");
    assertThat(sanitizer.sanitize("")).isEqualTo("minted");
    assertThat(sanitizer.rejectedCount()).isZero();
  }

  @Test
  void replacesAndCountsHostileIdsByReason() {
    assertThat(sanitizer.sanitize("abc\r\nfake log line")).isEqualTo("minted");
    assertThat(sanitizer.sanitize("abc\u0000")).isEqualTo("minted");
    assertThat(sanitizer.sanitize("abc\u0085")).isEqualTo("minted");
    assertThat(sanitizer.sanitize("a\"b")).isEqualTo("minted");
    assertThat(sanitizer.sanitize("a'b")).isEqualTo("minted");
    assertThat(sanitizer.sanitize("a b")).isEqualTo("minted");
    assertThat(sanitizer.sanitize("<script>")).isEqualTo("minted");
    assertThat(sanitizer.sanitize("x".repeat(129))).isEqualTo("minted");

    assertThat(sanitizer.rejectedCount(Rejection.LINE_BREAK)).isEqualTo(1);
    assertThat(sanitizer.rejectedCount(Rejection.CONTROL_CHARACTER)).isEqualTo(2);
    assertThat(sanitizer.rejectedCount(Rejection.QUOTE)).isEqualTo(2);
    assertThat(sanitizer.rejectedCount(Rejection.DISALLOWED_CHARACTER)).isEqualTo(2);
    assertThat(sanitizer.rejectedCount(Rejection.TOO_LONG)).isEqualTo(1);
    assertThat(sanitizer.rejectedCount()).isEqualTo(8);
    assertThat(sanitizer).hasToString("RequestIdSanitizer[maxLength=128, rejected=8]");
  }

  @Test
  void theMostDangerousReasonWins() {
    assertThat(RequestIdSanitizer.check("a\"b\nc", 128)).isEqualTo(Rejection.LINE_BREAK);
    assertThat(RequestIdSanitizer.check("a b\"\u0001", 128)).isEqualTo(Rejection.CONTROL_CHARACTER);
    assertThat(RequestIdSanitizer.check("a b\"", 128)).isEqualTo(Rejection.QUOTE);
    assertThat(RequestIdSanitizer.check("abcd", 3)).isEqualTo(Rejection.TOO_LONG);
    assertThat(RequestIdSanitizer.check("abc", 3)).isNull();
  }

  @Test
  void maxLengthComesFromCodeOrConfiguration() {
    assertThat(RequestIdSanitizer.ofDefaults().maxLength()).isEqualTo(128);
    assertThat(RequestIdSanitizer.builder().maxLength(16).build().maxLength()).isEqualTo(16);
    RequestIdSanitizer configured =
        RequestIdSanitizer.builder()
            .maxLength(16)
            .configSource(
                ConfigSource.environment(Map.of("RELIABILITY_CONTEXT_REQUEST_ID_MAX_LENGTH", "64")))
            .build();
    assertThat(configured.maxLength()).isEqualTo(64);
    assertThat(configured.sanitize("x".repeat(64))).isEqualTo("x".repeat(64));
  }

  @Test
  void invalidSettingsAreRejectedWithTheStandardMessages() {
    assertThatThrownBy(() -> RequestIdSanitizer.builder().maxLength(8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("request-id-max-length must be a whole number between 16 and 1024, was 8");
    assertThatThrownBy(
            () ->
                RequestIdSanitizer.builder()
                    .configSource(
                        ConfigSource.fromMap(
                            "test", Map.of("reliability.context.request-id-max-length", "5000")))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "reliability.context.request-id-max-length must be a whole number between 16 and"
                + " 1024, was \"5000\" (from test key reliability.context.request-id-max-length)");
    assertThatThrownBy(() -> RequestIdSanitizer.builder().minter(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("minter must not be null");
  }

  @Test
  void mintedIdsAreShortUrlSafeAndUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      String id = RequestIds.mint();
      assertThat(id).hasSize(16).matches("[A-Za-z0-9]{16}");
      seen.add(id);
    }
    assertThat(seen).hasSize(100_000);
  }

  @Test
  void mintedIdsUseTheWholeAlphabet() {
    Set<Character> chars = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      for (char c : RequestIds.mint().toCharArray()) {
        chars.add(c);
      }
    }
    assertThat(chars).hasSize(62);
  }
}
