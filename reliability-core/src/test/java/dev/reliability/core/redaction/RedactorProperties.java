package dev.reliability.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class RedactorProperties {

  private final Redactor redactor = Redactor.defaults();

  @Provide
  Arbitrary<String> secrets() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .numeric()
        .withChars("!#$*+/")
        .ofMinLength(6)
        .ofMaxLength(40)
        .map(s -> "S3" + s);
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.of(
        "password",
        "db_password",
        "api-key",
        "apiKey",
        "client_secret",
        "access_token",
        "Authorization",
        "x-api-key",
        "PASSWD");
  }

  @Provide
  Arbitrary<String> separators() {
    return Arbitraries.of("=", ": ", ":", " = ", "\":\"");
  }

  @Provide
  Arbitrary<String> noise() {
    return Arbitraries.strings()
        .withCharRange(' ', '~')
        .ofMaxLength(30)
        .filter(s -> !s.contains("\"") && !s.contains("="));
  }

  @Property(tries = 1000)
  void aSecretAfterASensitiveKeyNeverSurvives(
      @ForAll("noise") String before,
      @ForAll("keys") String key,
      @ForAll("separators") String sep,
      @ForAll("secrets") String secret,
      @ForAll("noise") String after) {
    String text = before + " " + key + sep + secret + " " + after;
    assertThat(redactor.redact(text)).doesNotContain(secret);
  }

  @Property(tries = 500)
  void credentialsInUrlsNeverSurvive(
      @ForAll("secrets") String secret, @ForAll("scheme") String scheme) {
    String text = "connecting to " + scheme + "://app:" + secret + "@db.internal:5432/app";
    String out = redactor.redact(text);
    assertThat(out).doesNotContain(secret).contains("@db.internal:5432/app");
  }

  @Provide
  Arbitrary<String> scheme() {
    return Arbitraries.of("postgres", "mysql", "redis", "amqp", "mongodb+srv", "https");
  }

  @Property(tries = 1000)
  void redactionNeverThrowsAndIsIdempotent(@ForAll String text) {
    String once = redactor.redact(text);
    assertThat(redactor.redact(once)).isEqualTo(once);
  }

  @Property(tries = 500)
  void textWithoutSecretsIsUnchanged(@ForAll("plain") String text) {
    assertThat(redactor.redact(text)).isEqualTo(text);
  }

  @Provide
  Arbitrary<String> plain() {
    return Combinators.combine(
            Arbitraries.of("order", "quote", "user", "service", "backend"),
            Arbitraries.integers().between(0, 99_999),
            Arbitraries.of("created", "failed", "timed out", "retried"))
        .as((a, n, b) -> a + " " + n + " " + b);
  }

  @Property(tries = 500)
  void tokensInUrlsQueriesAndKeyFormatsNeverSurvive(
      @ForAll("noise") String before,
      @ForAll("tokenShapes") String shape,
      @ForAll("tokens") String token,
      @ForAll("noise") String after) {
    String text = before + " " + shape.replace("TOKEN", token) + " " + after;
    assertThat(redactor.redact(text)).doesNotContain(token);
  }

  @Provide
  Arbitrary<String> tokenShapes() {
    return Arbitraries.of(
        "https://TOKEN@github.com/org/repo",
        "git+ssh://deploy:TOKEN@git.internal/x",
        "GET /cb?code=TOKEN&state=1",
        "GET /maps?alt=json&key=TOKEN",
        "GET /blob?sv=1&sig=TOKEN",
        "GET /x?access_token=TOKEN",
        "GET /x?token=TOKEN#frag",
        "https://hooks.slack.com/services/T01/B02/TOKEN",
        "-----BEGIN EC PRIVATE KEY-----\nTOKEN\n-----END EC PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\nTOKEN");
  }

  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.strings()
        .alpha()
        .numeric()
        .ofMinLength(8)
        .ofMaxLength(40)
        .map(s -> "Q9" + s);
  }

  @Property(tries = 300)
  void awsAccessKeyIdsNeverSurvive(
      @ForAll("noise") String before,
      @ForAll("awsKeyIds") String keyId,
      @ForAll("noise") String after) {
    assertThat(redactor.redact(before + " " + keyId + " " + after)).doesNotContain(keyId);
  }

  @Provide
  Arbitrary<String> awsKeyIds() {
    return Combinators.combine(
            Arbitraries.of("AKIA", "ASIA"),
            Arbitraries.strings().withCharRange('A', 'Z').numeric().ofLength(16))
        .as((prefix, rest) -> prefix + rest);
  }

  @Property(tries = 200)
  void outputIsBoundedAndLongTextIsMarkedAsCut(@ForAll("longText") String text) {
    Redactor capped = Redactor.builder().maxTextLength(1024).build();

    String out = capped.redact(text);

    assertThat(out.length())
        .isLessThanOrEqualTo(4 * Math.min(text.length(), 1024) + Redactor.TRUNCATED.length());
    assertThat(out.endsWith(Redactor.TRUNCATED)).isEqualTo(text.length() > 1024);
  }

  @Provide
  Arbitrary<String> longText() {
    Arbitrary<String> pieces =
        Arbitraries.of(
            "password=",
            "x",
            " ",
            "\"",
            ":",
            "://",
            "@",
            "?key=",
            "eyJ",
            ".",
            "4111 ",
            "-----BEGIN PRIVATE KEY-----",
            "-----END ",
            "Bearer ",
            "AKIA",
            "hooks.slack.com/services/");
    return pieces.list().ofMinSize(0).ofMaxSize(400).map(l -> String.join("", l));
  }

  @Property(tries = 300)
  void validCardNumbersAreMasked(@ForAll("cards") String card) {
    assertThat(redactor.redact("paid with " + card + " today")).isEqualTo("paid with **** today");
  }

  @Provide
  Arbitrary<String> cards() {
    return Arbitraries.strings().numeric().ofLength(15).map(RedactorProperties::withLuhnDigit);
  }

  private static String withLuhnDigit(String body) {
    for (int d = 0; d <= 9; d++) {
      String candidate = body + d;
      if (Redactor.luhn(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(body);
  }
}
