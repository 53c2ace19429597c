package dev.reliability.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RedactorTest {

  private final Redactor redactor = Redactor.defaults();

  @ParameterizedTest(name = "{0} is sensitive")
  @ValueSource(
      strings = {
        "password",
        "db.password",
        "DB_PASSWORD",
        "X-Api-Key",
        "api_key",
        "apiKey",
        "client-secret",
        "Authorization",
        "refresh_token",
        "accessToken",
        "aws_secret_access_key",
        "session_id",
        "Set-Cookie",
        "privateKey"
      })
  void sensitiveKeys(String key) {
    assertThat(redactor.isSensitiveKey(key)).isTrue();
  }

  @ParameterizedTest(name = "{0} is not sensitive")
  @ValueSource(
      strings = {"service", "timeout_ms", "user", "max_tokens", "tokens_used", "model", "status"})
  void ordinaryKeys(String key) {
    assertThat(redactor.isSensitiveKey(key)).isFalse();
    assertThat(redactor.isSensitiveKey(null)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "login failed: password=hunter2 for bob|login failed: password=**** for bob",
        "PASSWORD: hunter2|PASSWORD: ****",
        "{\"password\":\"hunter 2\",\"user\":\"bob\"}|{\"password\":\"****\",\"user\":\"bob\"}",
        "GET /x?api_key=abc123&page=2|GET /x?api_key=****&page=2",
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghij|Authorization: ****",
        "header Bearer abcdef123456 sent|header Bearer **** sent",
        "postgres://app:hunter2@db:5432/app|postgres://****@db:5432/app",
        "redis://:secretpass@cache:6379|redis://****@cache:6379",
        "jdbc:mysql://db/app?user=app&password=pw1;x|jdbc:mysql://db/app?user=app&password=****;x",
        "card 4111 1111 1111 1111 declined|card **** declined",
        "order 1234567890123 shipped|order 1234567890123 shipped",
        "ref 12 4111 1111 1111 1111 paid|ref 12 **** paid",
        "basic setup complete|basic setup complete",
        "tokens=1500 used|tokens=1500 used",
        "nothing to see|nothing to see",
        "clone https://ghp_abc123DEF456@github.com/org/repo|clone https://****@github.com/org/repo",
        "GET /callback?code=4/0AbCd&state=xyz|GET /callback?code=****&state=xyz",
        "GET /maps?key=AIzaSyA1b2&alt=json|GET /maps?key=****&alt=json",
        "GET /blob?sv=2020&sig=abc%2Bdef&se=1|GET /blob?sv=2020&sig=****&se=1",
        "GET /x?token=abc&access_token=def|GET /x?token=****&access_token=****",
        "GET /ws;jwt=abc.def.ghi|GET /ws;jwt=****",
        "using AKIAIOSFODNN7EXAMPLE now|using **** now",
        "session ASIAY34FZKBOKMUTVV7A expired|session **** expired",
        "post https://hooks.slack.com/services/T000/B000/XXXXabc now|post https://hooks.slack.com/services/**** now",
        "error code: 500 and key: order-7|error code: 500 and key: order-7",
        "see https://example.com/a/b@c and mail bob@example.com|see https://example.com/a/b@c and mail bob@example.com",
        "AKIA is a prefix; AKIAIOSFODNN7EXAMPLEX is too long|AKIA is a prefix; AKIAIOSFODNN7EXAMPLEX is too long"
      })
  void masksSecretsInText(String input, String expected) {
    assertThat(redactor.redact(input)).isEqualTo(expected);
  }

  @Test
  void pemPrivateKeyBodiesAreMaskedAndTheirMarkersKept() {
    String text =
        "loaded key\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1x2y3z\nQk9PTQ==\n"
            + "-----END RSA PRIVATE KEY-----\nand a certificate\n-----BEGIN CERTIFICATE-----\nMIIB\n"
            + "-----END CERTIFICATE-----";

    assertThat(redactor.redact(text))
        .isEqualTo(
            "loaded key\n-----BEGIN RSA PRIVATE KEY-----****-----END RSA PRIVATE KEY-----\n"
                + "and a certificate\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
    assertThat(redactor.redact("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHz cut off"))
        .isEqualTo("-----BEGIN ENCRYPTED PRIVATE KEY-----****");
  }

  @Test
  void textPastTheCapIsCutAtAWhitespaceAndMarked() {
    Redactor capped = Redactor.builder().maxTextLength(1024).build();
    String head = "word ".repeat(200); // 1,000 characters
    String text = head + "password=hunter2 and more words past the cap password=tail-secret";

    String out = capped.redact(text);

    assertThat(out)
        .endsWith(Redactor.TRUNCATED)
        .doesNotContain("hunter2")
        .doesNotContain("tail-secret")
        .startsWith(head);
    assertThat(out.length()).isLessThanOrEqualTo(1024 + Redactor.TRUNCATED.length());
    assertThat(capped.maxTextLength()).isEqualTo(1024);
    assertThat(Redactor.defaults().maxTextLength()).isEqualTo(Redactor.DEFAULT_MAX_TEXT_LENGTH);
  }

  @Test
  void aCardNumberAtTheCapIsNotCutIntoAShorterOne() {
    Redactor capped = Redactor.builder().maxTextLength(1024).build();
    String text = "x".repeat(1010) + " 4111 1111 1111 1111 paid";

    assertThat(capped.redact(text)).doesNotContain("1111").endsWith(Redactor.TRUNCATED);
  }

  @Test
  void theCapIsValidated() {
    assertThatThrownBy(() -> Redactor.builder().maxTextLength(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTextLength must be between 1024 and 16777216, was 10");
  }

  @Test
  void emailsOnlyWhenAsked() {
    String text = "mail sent to jane.doe@example.com";

    assertThat(redactor.redact(text)).isEqualTo(text);
    assertThat(Redactor.builder().maskEmails(true).build().redact(text))
        .isEqualTo("mail sent to ****");
  }

  @Test
  void extraWords() {
    Redactor custom = Redactor.builder().addSensitiveWords("ssn").build();

    assertThat(custom.isSensitiveKey("user_ssn")).isTrue();
    assertThat(custom.redact("ssn=123-45-6789")).isEqualTo("ssn=****");
  }

  @Test
  void valuesAndMapsAreRedactedRecursivelyAndImmutable() {
    Map<String, Object> out =
        redactor.redactMap(
            Map.of(
                "password", 1234,
                "count", 3,
                "nested", Map.of("token", "t", "list", List.of("password=x", 7))));

    assertThat(out).containsEntry("password", "****").containsEntry("count", 3);
    @SuppressWarnings("unchecked")
    Map<String, Object> nested = (Map<String, Object>) out.get("nested");
    assertThat(nested)
        .containsEntry("token", "****")
        .containsEntry("list", List.of("password=****", 7));
    assertThat(redactor.redactValue("k", null)).isNull();
    assertThat(redactor.redact(null)).isNull();
  }

  @Test
  void noneKeepsEverything() {
    assertThat(Redactor.none().redact("password=x")).isEqualTo("password=x");
    assertThat(Redactor.none().isSensitiveKey("password")).isFalse();
  }
}
