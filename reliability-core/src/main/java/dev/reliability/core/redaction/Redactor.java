package dev.reliability.core.redaction;

import dev.reliability.core.Checks;
import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets (and, when asked, personal data) in keys, values and free text before they leave
 * the process in an error response, a health body or a log line.
 *
 * <p>What it masks by default:
 *
 * <ul>
 *   <li>the value of any key whose name contains a sensitive word ({@code password}, {@code
 *       passwd}, {@code pwd}, {@code secret}, {@code token}, {@code apikey}/{@code api_key}/{@code
 *       api-key}, {@code authorization}, {@code credential}, {@code private_key}, {@code session},
 *       {@code cookie}), compared without case, dashes or underscores;
 *   <li>in text: {@code key=value}, {@code key: value} and {@code "key":"value"} pairs for those
 *       keys; {@code Bearer} and {@code Basic} credentials; the user-info part of URLs and
 *       connection strings ({@code postgres://user:pass@host}); JWTs; card numbers that pass the
 *       Luhn check.
 * </ul>
 *
 * <p>E-mail addresses are masked only when {@link Builder#maskEmails(boolean)} is on (off by
 * default, because an address in an error detail is often the point). Masked text becomes {@link
 * #MASK}. Redaction never throws and never returns null for non-null input.
 *
 * <p>Immutable and thread-safe; build once and share.
 */
public final class Redactor {

  /** The text that replaces a masked value. */
  public static final String MASK = "****";

  /** The words that make a key sensitive, in normalised form (lower case, no dashes). */
  public static final List<String> DEFAULT_SENSITIVE_WORDS =
      List.of(
          "password",
          "passwd",
          "pwd",
          "secret",
          "token",
          "apikey",
          "authorization",
          "credential",
          "privatekey",
          "session",
          "cookie",
          "accesskey",
          "signature");

  private static final Redactor DEFAULTS = builder().build();
  private static final Redactor NONE = new Redactor(List.of(), false, false, false);

  private static final Pattern BEARER =
      Pattern.compile(
          "(?i)\\b(bearer|basic)(\\s+)((?=[A-Za-z0-9._~+/=-]*[0-9+/=])[A-Za-z0-9._~+/=-]{6,})");
  private static final Pattern URL_USERINFO =
      Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/\\s:@]*):([^\\s@]+)@");
  private static final Pattern JWT =
      Pattern.compile("\\beyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}");
  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,24}");
  private static final Pattern CARD = Pattern.compile("\\b(?:\\d[ -]?){12,18}\\d\\b");

  private final List<String> sensitiveWords;
  private final Pattern keyValue;
  private final boolean maskEmails;
  private final boolean maskCardNumbers;
  private final boolean maskText;

  private Redactor(
      List<String> sensitiveWords, boolean maskEmails, boolean maskCardNumbers, boolean maskText) {
    this.sensitiveWords = List.copyOf(sensitiveWords);
    this.maskEmails = maskEmails;
    this.maskCardNumbers = maskCardNumbers;
    this.maskText = maskText;
    this.keyValue = sensitiveWords.isEmpty() ? null : keyValuePattern(sensitiveWords);
  }

  /**
   * Returns the default redactor: secrets and card numbers masked, e-mail addresses kept.
   *
   * @return the shared default redactor
   */
  public static Redactor defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a redactor that masks nothing, for tests and for data known to be clean.
   *
   * @return a redactor that returns its input unchanged
   */
  public static Redactor none() {
    return NONE;
  }

  /**
   * Returns a builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns whether a key names a secret, such as {@code db.password} or {@code X-Api-Key}.
   *
   * @param key the key; null is not sensitive
   * @return true if values under this key must be masked
   */
  public boolean isSensitiveKey(String key) {
    if (key == null || sensitiveWords.isEmpty()) {
      return false;
    }
    String normalised = normalise(key);
    for (String word : sensitiveWords) {
      int at = normalised.indexOf(word);
      while (at >= 0) {
        int end = at + word.length();
        // "tokens" and "max_tokens" count tokens (LLM usage); they are not credentials.
        boolean countOfTokens =
            word.equals("token") && end < normalised.length() && normalised.charAt(end) == 's';
        if (!countOfTokens) {
          return true;
        }
        at = normalised.indexOf(word, at + 1);
      }
    }
    return false;
  }

  /**
   * Masks secrets inside free text such as an exception message or a log line.
   *
   * @param text the text; null gives null
   * @return the text with every secret replaced by {@link #MASK}
   */
  public String redact(String text) {
    if (text == null || text.isEmpty() || !maskText) {
      return text;
    }
    String out = text;
    if (keyValue != null && mayHoldKeyValue(out)) {
      out = replaceGroup(keyValue, out, 3);
    }
    if (out.indexOf("://") >= 0) {
      out = URL_USERINFO.matcher(out).replaceAll("$1" + MASK + "@");
    }
    if (out.length() >= 8) {
      out = replaceGroup(BEARER, out, 3);
      if (out.contains("eyJ")) {
        out = JWT.matcher(out).replaceAll(MASK);
      }
    }
    if (maskCardNumbers && hasDigitRun(out, 13)) {
      out = maskCards(out);
    }
    if (maskEmails && out.indexOf('@') >= 0) {
      out = EMAIL.matcher(out).replaceAll(MASK);
    }
    return out;
  }

  /**
   * Returns a value fit to show under {@code key}: masked entirely if the key is sensitive,
   * otherwise redacted recursively (text is {@linkplain #redact(String) redacted}, maps and
   * collections are copied with their members redacted, numbers and booleans kept, anything else
   * turned into redacted text).
   *
   * @param key the key the value is shown under
   * @param value the value; null gives null
   * @return an immutable, redacted value
   */
  public Object redactValue(String key, Object value) {
    if (value == null) {
      return null;
    }
    if (isSensitiveKey(key)) {
      return MASK;
    }
    return redactValue(value, 0);
  }

  /**
   * Returns an immutable copy of {@code map} with every entry passed through {@link
   * #redactValue(String, Object)}, in the map's iteration order. Null keys and null values are
   * dropped.
   *
   * @param map the map; null gives an empty map
   * @return an immutable, redacted copy
   */
  public Map<String, Object> redactMap(Map<String, ?> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : map.entrySet()) {
      if (e.getKey() != null && e.getValue() != null) {
        copy.put(e.getKey(), redactValue(e.getKey(), e.getValue()));
      }
    }
    return Collections.unmodifiableMap(copy);
  }

  private Object redactValue(Object value, int depth) {
    if (value instanceof Number || value instanceof Boolean || value instanceof Enum<?>) {
      return value;
    }
    if (value instanceof CharSequence) {
      return redact(value.toString());
    }
    if (value instanceof Duration || value instanceof TemporalAccessor) {
      return value.toString();
    }
    if (depth >= 8) {
      return MASK;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getKey() != null && e.getValue() != null) {
          String k = String.valueOf(e.getKey());
          copy.put(k, isSensitiveKey(k) ? MASK : redactValue(e.getValue(), depth + 1));
        }
      }
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof Collection<?> collection) {
      List<Object> copy = new ArrayList<>(collection.size());
      for (Object o : collection) {
        if (o != null) {
          copy.add(redactValue(o, depth + 1));
        }
      }
      return Collections.unmodifiableList(copy);
    }
    return redact(String.valueOf(value));
  }

  private static String replaceGroup(Pattern pattern, String text, int group) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    int last = 0;
    do {
      sb.append(text, last, m.start(group)).append(MASK);
      last = m.end(group);
    } while (m.find());
    return sb.append(text, last, text.length()).toString();
  }

  private static boolean mayHoldKeyValue(String text) {
    return text.indexOf('=') >= 0 || text.indexOf(':') >= 0;
  }

  private static boolean hasDigitRun(String text, int minDigits) {
    int digits = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++digits >= minDigits) {
          return true;
        }
      } else if (c != ' ' && c != '-') {
        digits = 0;
      }
    }
    return false;
  }

  private static String maskCards(String text) {
    Matcher m = CARD.matcher(text);
    StringBuilder sb = null;
    int last = 0;
    while (m.find()) {
      String digits = m.group().replaceAll("[ -]", "");
      if (digits.length() >= 13 && digits.length() <= 19 && luhn(digits)) {
        if (sb == null) {
          sb = new StringBuilder(text.length());
        }
        sb.append(text, last, m.start()).append(MASK);
        last = m.end();
      }
    }
    return sb == null ? text : sb.append(text, last, text.length()).toString();
  }

  static boolean luhn(String digits) {
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  private static String normalise(String key) {
    StringBuilder sb = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c != '-' && c != '_' && c != '.' && c != ' ') {
        sb.append(Character.toLowerCase(c));
      }
    }
    return sb.toString();
  }

  private static Pattern keyValuePattern(List<String> words) {
    StringBuilder alternatives = new StringBuilder();
    for (String word : words) {
      if (alternatives.length() > 0) {
        alternatives.append('|');
      }
      // Let a separator appear between any two letters, so api_key, api-key and apiKey all match.
      StringBuilder w = new StringBuilder();
      for (int i = 0; i < word.length(); i++) {
        if (i > 0) {
          w.append("[-_.]?");
        }
        w.append(Pattern.quote(String.valueOf(word.charAt(i))));
      }
      if (word.equals("token")) {
        w.append("(?![sS])");
      }
      alternatives.append(w);
    }
    // group 1: the key; group 2: separator with optional quotes; group 3: the value.
    return Pattern.compile(
        "(?i)([A-Za-z0-9_.-]*(?:"
            + alternatives
            + ")[A-Za-z0-9_.-]*)(\"?\\s*[=:]\\s*\"?)((?<=\")[^\"]*|(?:(?:bearer|basic|digest|token)\\s+)?[^\\s,;&\"'}]+)");
  }

  @Override
  public String toString() {
    return "Redactor[words="
        + sensitiveWords
        + ", emails="
        + maskEmails
        + ", cards="
        + maskCardNumbers
        + "]";
  }

  /** Builds a {@link Redactor}. Not thread-safe. */
  public static final class Builder {
    private final List<String> words = new ArrayList<>(DEFAULT_SENSITIVE_WORDS);
    private boolean maskEmails;
    private boolean maskCardNumbers = true;

    private Builder() {}

    /**
     * Adds words that make a key sensitive; compared without case, dashes, dots or underscores.
     *
     * @param extraWords words such as {@code "pin"} or {@code "ssn"}
     * @return this builder
     * @throws IllegalArgumentException if a word is blank
     */
    public Builder addSensitiveWords(String... extraWords) {
      Checks.notNull("extraWords", extraWords);
      for (String word : extraWords) {
        Checks.notBlank("sensitive word", word);
        String w = normalise(word);
        if (!words.contains(w)) {
          words.add(w);
        }
      }
      return this;
    }

    /**
     * Masks e-mail addresses in text. Off by default.
     *
     * @param mask whether to mask e-mail addresses
     * @return this builder
     */
    public Builder maskEmails(boolean mask) {
      this.maskEmails = mask;
      return this;
    }

    /**
     * Masks digit runs that pass the Luhn check (payment card numbers). On by default.
     *
     * @param mask whether to mask card numbers
     * @return this builder
     */
    public Builder maskCardNumbers(boolean mask) {
      this.maskCardNumbers = mask;
      return this;
    }

    /**
     * Builds the redactor.
     *
     * @return an immutable redactor
     */
    public Redactor build() {
      return new Redactor(words, maskEmails, maskCardNumbers, true);
    }
  }
}
