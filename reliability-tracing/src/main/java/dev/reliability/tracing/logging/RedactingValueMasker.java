package dev.reliability.tracing.logging;

import com.fasterxml.jackson.core.JsonStreamContext;
import dev.reliability.core.redaction.Redactor;
import java.util.concurrent.ConcurrentHashMap;
import net.logstash.logback.mask.ValueMasker;

/**
 * The masking profile of the JSON log output: a logstash-logback-encoder {@link ValueMasker} that
 * masks with the foundation's {@link Redactor}.
 *
 * <p>Every value the encoder writes passes through it: the message, the stack trace, MDC fields and
 * structured arguments. A field whose name is sensitive ({@code password}, {@code token}, {@code
 * api_key}, {@code authorization}, {@code session}, ... see {@link Redactor}) is replaced by
 * {@value Redactor#MASK} whole; in any other text value, secrets ({@code password=...}, bearer
 * tokens, JWTs, credentials in URLs), card numbers and, by default in logs, e-mail addresses are
 * masked. logstash-logback-encoder does the JSON writing and calls this masker; this class only
 * decides what to mask.
 *
 * <p>Configured in Logback XML (the shipped {@code reliability/logback-json.xml} does it):
 *
 * <pre>{@code
 * <jsonGeneratorDecorator class="net.logstash.logback.mask.MaskingJsonGeneratorDecorator">
 *   <valueMasker class="dev.reliability.tracing.logging.RedactingValueMasker">
 *     <maskEmails>true</maskEmails>
 *     <sensitiveWords>pin,ssn</sensitiveWords>
 *   </valueMasker>
 * </jsonGeneratorDecorator>
 * }</pre>
 *
 * <p>Setters are for configuration time; after that the masker is thread-safe.
 */
public final class RedactingValueMasker implements ValueMasker {

  private static final int MAX_CACHED_NAMES = 1024;

  private volatile boolean enabled = true;
  private boolean maskEmails = true;
  private boolean maskCardNumbers = true;
  private String[] extraWords = new String[0];
  private volatile Redactor redactor = build();
  // Field names repeat on every line; remember which are sensitive (bounded, then computed).
  private final ConcurrentHashMap<String, Boolean> sensitiveNames = new ConcurrentHashMap<>();

  /** Creates a masker with the defaults: on, e-mail addresses and card numbers masked. */
  public RedactingValueMasker() {}

  /**
   * Turns masking on or off. Default on.
   *
   * @param enabled whether to mask
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * Masks e-mail addresses in text. Default on (personal data in logs).
   *
   * @param maskEmails whether to mask e-mail addresses
   */
  public void setMaskEmails(boolean maskEmails) {
    this.maskEmails = maskEmails;
    this.redactor = build();
  }

  /**
   * Masks card numbers (digit runs that pass the Luhn check) in text. Default on.
   *
   * @param maskCardNumbers whether to mask card numbers
   */
  public void setMaskCardNumbers(boolean maskCardNumbers) {
    this.maskCardNumbers = maskCardNumbers;
    this.redactor = build();
  }

  /**
   * Adds words that make a field name sensitive, comma-separated, such as {@code pin,ssn}. Blank
   * entries are ignored.
   *
   * @param words the words
   */
  public void setSensitiveWords(String words) {
    this.extraWords =
        words == null || words.isBlank() ? new String[0] : words.strip().split("\\s*,\\s*");
    this.redactor = build();
  }

  /**
   * Returns the redactor in use.
   *
   * @return the redactor
   */
  public Redactor redactor() {
    return redactor;
  }

  private Redactor build() {
    if (sensitiveNames != null) {
      sensitiveNames.clear();
    }
    Redactor.Builder b = Redactor.builder().maskEmails(maskEmails).maskCardNumbers(maskCardNumbers);
    for (String w : extraWords) {
      if (!w.isBlank()) {
        b.addSensitiveWords(w);
      }
    }
    return b.build();
  }

  @Override
  public Object mask(JsonStreamContext context, Object value) {
    if (!enabled || value == null) {
      return null;
    }
    Redactor r = redactor;
    String name = context == null ? null : context.getCurrentName();
    if (name != null && isSensitive(r, name)) {
      return Redactor.MASK;
    }
    if (value instanceof String text && mayHoldSecret(r, text)) {
      String masked = r.redact(text);
      return masked.equals(text) ? null : masked;
    }
    return null;
  }

  private boolean isSensitive(Redactor r, String name) {
    Boolean known = sensitiveNames.get(name);
    if (known != null) {
      return known;
    }
    boolean sensitive = r.isSensitiveKey(name);
    if (sensitiveNames.size() < MAX_CACHED_NAMES) {
      sensitiveNames.put(name, sensitive);
    }
    return sensitive;
  }

  /**
   * Returns false only for text in which {@link Redactor#redact(String)} cannot find anything: not
   * longer than the redactor's cap, no {@code @} (e-mail, credentials in URLs), no JWT start, no
   * run of 13 digits, no {@code bearer} or {@code basic}, no {@code AKIA}/{@code ASIA}, no {@code
   * -----BEGIN}, no {@code hooks.slack.com/}, and no {@code key=value} or {@code key: value} unless
   * the text holds a sensitive word or a query separator ({@code ?}, {@code &}, {@code ;}). Keeps
   * the scanners off the many plain values of a log line, such as the timestamp. One pass, linear.
   */
  boolean mayHoldSecret(String text) {
    return mayHoldSecret(redactor, text);
  }

  private static boolean mayHoldSecret(Redactor r, String text) {
    int n = text.length();
    if (n > r.maxTextLength()) {
      return true; // cut and marked
    }
    int digits = 0;
    boolean pair = false;
    boolean query = false;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '@') {
        return true;
      }
      if (c == '=' || c == ':') {
        pair = true;
      } else if (c == '?' || c == '&' || c == ';') {
        query = true;
      }
      if (c >= '0' && c <= '9') {
        if (++digits >= 13) {
          return true;
        }
      } else if (c != ' ' && c != '-') {
        digits = 0;
      }
      if ((c == 'y' && i > 0 && text.charAt(i - 1) == 'e' && i + 1 < n && text.charAt(i + 1) == 'J')
          || ((c == 'r' || c == 'R') && regionIs(text, i - 5, "bearer"))
          || ((c == 'c' || c == 'C') && regionIs(text, i - 4, "basic"))
          || (c == 'A'
              && i >= 3
              && (text.startsWith("AKIA", i - 3) || text.startsWith("ASIA", i - 3)))
          || (c == 'N' && i >= 9 && text.startsWith("-----BEGIN", i - 9))
          || (c == '/' && regionIs(text, i - 15, "hooks.slack.com"))) {
        return true;
      }
    }
    // A key=value secret needs a sensitive word in the key, or a query parameter name after ?, &
    // or ;; the word check ignores case and separators the same way the Redactor does.
    return pair && (query || r.isSensitiveKey(text));
  }

  private static boolean regionIs(String text, int from, String word) {
    return from >= 0 && text.regionMatches(true, from, word, 0, word.length());
  }
}
