package dev.reliability.core.redaction;

import dev.reliability.core.internal.Checks;
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
 *       {@code cookie}, {@code access_key}, {@code signature}), compared without case, dashes, dots
 *       or underscores;
 *   <li>in text: {@code key=value}, {@code key: value} and {@code "key":"value"} pairs for those
 *       keys; URL query parameters named in {@link #DEFAULT_QUERY_PARAMETERS} ({@code ?key=...},
 *       {@code &sig=...}, {@code &code=...}); {@code Bearer} and {@code Basic} credentials; the
 *       user-info part of URLs and connection strings, with or without a password ({@code
 *       postgres://user:pass@host}, {@code https://ghp_...@host}); JWTs; AWS access key IDs ({@code
 *       AKIA...}, {@code ASIA...}); the body of PEM private-key blocks; Slack webhook paths; card
 *       numbers that pass the Luhn check.
 * </ul>
 *
 * <p>E-mail addresses are masked only when {@link Builder#maskEmails(boolean)} is on (off by
 * default, because an address in an error detail is often the point). Masked text becomes {@link
 * #MASK}. Redaction never throws and never returns null for non-null input.
 *
 * <p>Time and size: {@link #redact(String)} takes time linear in the length of the text it
 * examines, whatever the text. The key/value pairs, URLs and PEM blocks are found by hand-written
 * scanners that never look at a character more than a fixed number of times; the remaining regular
 * expressions start only at a run boundary or have bounded repetition, and use possessive
 * quantifiers where a run could otherwise be re-read. It examines at most {@link
 * Builder#maxTextLength(int)} characters ({@value #DEFAULT_MAX_TEXT_LENGTH} by default): text past
 * the cap is cut off, at the last whitespace before the cap if there is one nearby, and replaced by
 * {@value #TRUNCATED}, never passed through unexamined. The output is at most four times as long as
 * the examined text, plus that marker.
 *
 * <p>Immutable and thread-safe; build once and share.
 */
public final class Redactor {

  /** The text that replaces a masked value. */
  public static final String MASK = "****";

  /** The text that replaces what lies past the cap on examined text. */
  public static final String TRUNCATED = "...[truncated]";

  /** The default cap on the number of characters {@link #redact(String)} examines: 64 KiB. */
  public static final int DEFAULT_MAX_TEXT_LENGTH = 65_536;

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

  /**
   * URL query parameters whose value is masked even though the name is too common to be sensitive
   * everywhere: a value follows {@code ?name=}, {@code &name=} or {@code ;name=}, compared without
   * case. (Parameters whose name holds a sensitive word, such as {@code access_token} or {@code
   * X-Amz-Signature}, are masked anywhere.)
   */
  public static final List<String> DEFAULT_QUERY_PARAMETERS =
      List.of("key", "sig", "code", "token", "access_token", "auth", "jwt");

  private static final int MIN_MAX_TEXT_LENGTH = 1_024;
  private static final int MAX_MAX_TEXT_LENGTH = 16 * 1_024 * 1_024;
  // How far the cut at the cap may move back to a whitespace, so a token is not cut in two.
  private static final int CUT_BACKTRACK = 4_096;
  // Longest label between "-----BEGIN " and "PRIVATE KEY-----", such as "ENCRYPTED ".
  private static final int PEM_LABEL = 40;

  // Words that may stand between a key's separator and its value: "Authorization: Bearer x".
  private static final List<String> SCHEMES = List.of("bearer", "basic", "digest", "token");

  private static final Redactor DEFAULTS = builder().build();
  private static final Redactor NONE =
      new Redactor(List.of(), false, false, false, DEFAULT_MAX_TEXT_LENGTH);

  // Every pattern below sees outside input, so each is linear on its input. Starts are restricted
  // to the first character of a run (negative lookbehind of the run's class) and runs are matched
  // possessively, so each run is read by a bounded number of attempts; the rest is bounded.
  private static final Pattern BEARER =
      Pattern.compile("(?i)(?<![A-Za-z0-9_])(?:bearer|basic)\\s++([A-Za-z0-9._~+/=-]{6,}+)");
  private static final Pattern JWT =
      Pattern.compile(
          "(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}+\\.[A-Za-z0-9_-]{5,}+\\.[A-Za-z0-9_-]{5,}+");
  // Starts at the first character of the local part's run; the labels are possessive and only the
  // label count (at most 8) is given back.
  private static final Pattern EMAIL =
      Pattern.compile(
          "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}+@(?:[A-Za-z0-9-]{1,63}+\\.){1,8}"
              + "[A-Za-z]{2,24}+");
  // Bounded: at most 18 repetitions of a digit and an optional separator from each start.
  private static final Pattern CARD = Pattern.compile("\\b(?:\\d[ -]?){12,18}\\d\\b");
  private static final Pattern AWS_KEY_ID =
      Pattern.compile("(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])");
  private static final Pattern SLACK_WEBHOOK =
      Pattern.compile("(?i)(hooks\\.slack\\.com/services/)[A-Za-z0-9/_-]++");

  private final List<String> sensitiveWords;
  private final boolean maskEmails;
  private final boolean maskCardNumbers;
  private final boolean maskText;
  private final int maxTextLength;

  private Redactor(
      List<String> sensitiveWords,
      boolean maskEmails,
      boolean maskCardNumbers,
      boolean maskText,
      int maxTextLength) {
    this.sensitiveWords = List.copyOf(sensitiveWords);
    this.maskEmails = maskEmails;
    this.maskCardNumbers = maskCardNumbers;
    this.maskText = maskText;
    this.maxTextLength = maxTextLength;
  }

  /**
   * Returns the default redactor: secrets and card numbers masked, e-mail addresses kept, at most
   * {@value #DEFAULT_MAX_TEXT_LENGTH} characters examined.
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
   * Returns the most characters {@link #redact(String)} examines; longer text is cut to this length
   * and ends in {@link #TRUNCATED}.
   *
   * @return the cap on examined text
   */
  public int maxTextLength() {
    return maxTextLength;
  }

  /**
   * Returns whether a key names a secret, such as {@code db.password} or {@code X-Api-Key}. Linear
   * in the length of the key.
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
   * Masks secrets inside free text such as an exception message or a log line. Takes time linear in
   * the length of the text; text longer than {@link #maxTextLength()} is cut at the cap and ends in
   * {@link #TRUNCATED}.
   *
   * @param text the text; null gives null
   * @return the text with every secret replaced by {@link #MASK}
   */
  public String redact(String text) {
    if (text == null || text.isEmpty() || !maskText) {
      return text;
    }
    boolean truncated = text.length() > maxTextLength;
    String out = truncated ? text.substring(0, cut(text, maxTextLength)) : text;
    if (out.contains("-----BEGIN ")) {
      out = maskPrivateKeys(out);
    }
    if (out.indexOf('=') >= 0 || out.indexOf(':') >= 0) {
      out = maskKeyValues(out);
    }
    if (out.contains("://")) {
      out = maskUserInfo(out);
    }
    if (out.length() >= 8) {
      out = maskBearer(out);
      if (out.contains("eyJ")) {
        out = JWT.matcher(out).replaceAll(MASK);
      }
      if (out.contains("KIA") || out.contains("SIA")) {
        out = AWS_KEY_ID.matcher(out).replaceAll(MASK);
      }
    }
    if (out.indexOf('/') >= 0) {
      out = SLACK_WEBHOOK.matcher(out).replaceAll("$1" + MASK);
    }
    if (maskCardNumbers && hasDigitRun(out, 13)) {
      out = maskCards(out);
    }
    if (maskEmails && out.indexOf('@') >= 0) {
      out = EMAIL.matcher(out).replaceAll(MASK);
    }
    return truncated ? out + TRUNCATED : out;
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

  /**
   * Where to cut text longer than the cap: at the cap, moved back to just after a whitespace if one
   * lies within {@link #CUT_BACKTRACK} characters, and then before any digit run at the end (so a
   * card number is not cut into a shorter, unrecognised one).
   */
  static int cut(String text, int cap) {
    int at = cap;
    for (int i = cap; i > cap - CUT_BACKTRACK && i > 0; i--) {
      if (isSpace(text.charAt(i - 1))) {
        at = i;
        break;
      }
    }
    int floor = Math.max(0, at - 64);
    while (at > floor && isCardChar(text.charAt(at - 1))) {
      at--;
    }
    return at;
  }

  /**
   * Masks {@code key=value}, {@code key: value} and {@code "key":"value"} for sensitive keys, and
   * {@code ?name=value} for the query parameters in {@link #DEFAULT_QUERY_PARAMETERS}.
   *
   * <p>Linear: at each separator it looks back over whitespace, a quote and the key's run of
   * characters; that stretch holds no separator, so the look-backs of different separators never
   * overlap. A masked value is read once and skipped.
   */
  private String maskKeyValues(String s) {
    int n = s.length();
    StringBuilder sb = null;
    int last = 0;
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c != '=' && c != ':') {
        i++;
        continue;
      }
      int k = i;
      while (k > last && isSpace(s.charAt(k - 1))) {
        k--;
      }
      if (k > last && s.charAt(k - 1) == '"') {
        k--;
      }
      int keyEnd = k;
      while (k > last && isKeyChar(s.charAt(k - 1))) {
        k--;
      }
      int keyStart = k;
      if (keyStart == keyEnd
          || !(isSensitiveKey(s.substring(keyStart, keyEnd))
              || (c == '=' && keyEnd == i && isQueryParameter(s, keyStart, keyEnd)))) {
        i++;
        continue;
      }
      int v = i + 1;
      while (v < n && isSpace(s.charAt(v))) {
        v++;
      }
      int valueStart;
      int valueEnd;
      if (v < n && s.charAt(v) == '"') {
        valueStart = v + 1;
        int close = s.indexOf('"', valueStart);
        valueEnd = close < 0 ? n : close;
      } else {
        valueStart = v;
        int e = afterScheme(s, v);
        int r = e;
        while (r < n && isValueChar(s.charAt(r))) {
          r++;
        }
        if (r == e && e != v) {
          r = v;
          while (r < n && isValueChar(s.charAt(r))) {
            r++;
          }
        }
        if (r == v) {
          i++;
          continue;
        }
        valueEnd = r;
      }
      if (sb == null) {
        sb = new StringBuilder(n);
      }
      sb.append(s, last, valueStart).append(MASK);
      last = valueEnd;
      i = Math.max(valueEnd, i + 1);
    }
    return sb == null ? s : sb.append(s, last, n).toString();
  }

  private static boolean isQueryParameter(String s, int keyStart, int keyEnd) {
    if (keyStart == 0) {
      return false;
    }
    char before = s.charAt(keyStart - 1);
    if (before != '?' && before != '&' && before != ';') {
      return false;
    }
    int length = keyEnd - keyStart;
    for (String name : DEFAULT_QUERY_PARAMETERS) {
      if (name.length() == length && s.regionMatches(true, keyStart, name, 0, length)) {
        return true;
      }
    }
    return false;
  }

  /** Returns the index after "bearer ", "basic ", "digest " or "token " at {@code v}, else v. */
  private static int afterScheme(String s, int v) {
    for (String scheme : SCHEMES) {
      int end = v + scheme.length();
      if (end < s.length()
          && isSpace(s.charAt(end))
          && s.regionMatches(true, v, scheme, 0, scheme.length())) {
        while (end < s.length() && isSpace(s.charAt(end))) {
          end++;
        }
        return end;
      }
    }
    return v;
  }

  /**
   * Masks the user-info of URLs ({@code scheme://user:pass@host}, {@code scheme://token@host}).
   *
   * <p>Linear: from a {@code ://} it reads to the first whitespace or {@code @}; every other {@code
   * ://} before that point ends at the same place, so scanning resumes after it. When it ends at
   * {@code @}, the user-info starts after the first {@code ://} whose user name (up to the first
   * {@code :}) holds no {@code /}, {@code ?} or {@code #}; these user-name reads stop at the next
   * {@code ://}'s colon at the latest, so they do not overlap either.
   */
  private static String maskUserInfo(String s) {
    int n = s.length();
    StringBuilder sb = null;
    int last = 0;
    int from = 0;
    while (from < n) {
      int at = s.indexOf("://", from);
      if (at < 0) {
        break;
      }
      int t = at + 3;
      while (t < n && s.charAt(t) != '@' && !isSpace(s.charAt(t))) {
        t++;
      }
      if (t < n && s.charAt(t) == '@') {
        int userInfo = -1;
        int candidate = at;
        while (candidate >= 0) {
          int u = candidate + 3;
          boolean plain = true;
          while (u < t && s.charAt(u) != ':') {
            char ch = s.charAt(u);
            if (ch == '/' || ch == '?' || ch == '#') {
              plain = false;
              break;
            }
            u++;
          }
          if (plain) {
            userInfo = candidate + 3;
            break;
          }
          candidate = indexOfSchemeEnd(s, Math.max(u, candidate + 3), t);
        }
        if (userInfo >= 0 && userInfo < t && !s.startsWith(MASK + "@", userInfo)) {
          if (sb == null) {
            sb = new StringBuilder(n);
          }
          sb.append(s, last, userInfo).append(MASK);
          last = t;
        }
      }
      from = t + 1;
    }
    return sb == null ? s : sb.append(s, last, n).toString();
  }

  /** The first "://" starting in [from, end - 2], or -1. */
  private static int indexOfSchemeEnd(String s, int from, int end) {
    for (int i = from; i + 2 < end; i++) {
      if (s.charAt(i) == ':' && s.charAt(i + 1) == '/' && s.charAt(i + 2) == '/') {
        return i;
      }
    }
    return -1;
  }

  /**
   * Replaces the body of each PEM private-key block with {@link #MASK}, keeping the two marker
   * lines. A block without its end marker is masked to the end of the text.
   */
  private static String maskPrivateKeys(String s) {
    int n = s.length();
    StringBuilder sb = null;
    int last = 0;
    int from = 0;
    while (from < n) {
      int begin = s.indexOf("-----BEGIN ", from);
      if (begin < 0) {
        break;
      }
      int labelFrom = begin + "-----BEGIN ".length();
      int bodyStart = privateKeyMarkerEnd(s, labelFrom);
      if (bodyStart < 0) {
        from = labelFrom;
        continue;
      }
      int end = s.indexOf("-----END ", bodyStart);
      int bodyEnd = end < 0 ? n : end;
      if (sb == null) {
        sb = new StringBuilder(n);
      }
      sb.append(s, last, bodyStart).append(MASK);
      last = bodyEnd;
      if (end < 0) {
        break;
      }
      int markerEnd = privateKeyMarkerEnd(s, end + "-----END ".length());
      from = markerEnd < 0 ? end + "-----END ".length() : markerEnd;
    }
    return sb == null ? s : sb.append(s, last, n).toString();
  }

  /**
   * If a label of at most {@link #PEM_LABEL} letters, digits and spaces ending in "PRIVATE
   * KEY-----" starts at {@code from}, returns the index after it; otherwise -1.
   */
  private static int privateKeyMarkerEnd(String s, int from) {
    String tail = "PRIVATE KEY-----";
    int limit = Math.min(s.length(), from + PEM_LABEL + tail.length());
    for (int i = from; i < limit; i++) {
      char c = s.charAt(i);
      if (c == 'P' && s.startsWith(tail, i)) {
        return i + tail.length();
      }
      if (!(c == ' ' || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        return -1;
      }
    }
    return -1;
  }

  private static String maskBearer(String text) {
    Matcher m = BEARER.matcher(text);
    StringBuilder sb = null;
    int last = 0;
    while (m.find()) {
      if (!hasTokenMark(text, m.start(1), m.end(1))) {
        continue; // "basic setup complete": a word, not a credential
      }
      if (sb == null) {
        sb = new StringBuilder(text.length());
      }
      sb.append(text, last, m.start(1)).append(MASK);
      last = m.end(1);
    }
    return sb == null ? text : sb.append(text, last, text.length()).toString();
  }

  private static boolean hasTokenMark(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if ((c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=') {
        return true;
      }
    }
    return false;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '.'
        || c == '-';
  }

  private static boolean isValueChar(char c) {
    return !isSpace(c) && c != ',' && c != ';' && c != '&' && c != '"' && c != '\'' && c != '}';
  }

  private static boolean isCardChar(char c) {
    return (c >= '0' && c <= '9') || c == ' ' || c == '-';
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
    int from = 0;
    // A run that fails the Luhn check is tried again from its next digit, so leading digits that
    // are not part of a card cannot hide one; each try reads at most 37 characters.
    while (from < text.length() && m.find(from)) {
      String digits = m.group().replace(" ", "").replace("-", "");
      if (digits.length() >= 13 && digits.length() <= 19 && luhn(digits)) {
        if (sb == null) {
          sb = new StringBuilder(text.length());
        }
        sb.append(text, last, m.start()).append(MASK);
        last = m.end();
        from = m.end();
      } else {
        from = m.start() + 1;
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

  @Override
  public String toString() {
    return "Redactor[words="
        + sensitiveWords
        + ", emails="
        + maskEmails
        + ", cards="
        + maskCardNumbers
        + ", maxTextLength="
        + maxTextLength
        + "]";
  }

  /** Builds a {@link Redactor}. Not thread-safe. */
  public static final class Builder {
    private final List<String> words = new ArrayList<>(DEFAULT_SENSITIVE_WORDS);
    private boolean maskEmails;
    private boolean maskCardNumbers = true;
    private int maxTextLength = DEFAULT_MAX_TEXT_LENGTH;

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
     * Sets the most characters {@link Redactor#redact(String)} examines. Default {@value
     * Redactor#DEFAULT_MAX_TEXT_LENGTH}. Longer text is cut at the cap (moved back to a nearby
     * whitespace) and ends in {@link Redactor#TRUNCATED}.
     *
     * @param maxTextLength between 1,024 and 16,777,216
     * @return this builder
     * @throws IllegalArgumentException if the length is out of range
     */
    public Builder maxTextLength(int maxTextLength) {
      this.maxTextLength =
          Checks.inRange("maxTextLength", maxTextLength, MIN_MAX_TEXT_LENGTH, MAX_MAX_TEXT_LENGTH);
      return this;
    }

    /**
     * Builds the redactor.
     *
     * @return an immutable redactor
     */
    public Redactor build() {
      return new Redactor(words, maskEmails, maskCardNumbers, true, maxTextLength);
    }
  }
}
