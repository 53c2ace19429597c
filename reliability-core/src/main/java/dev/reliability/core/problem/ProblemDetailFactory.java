package dev.reliability.core.problem;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.Setting;
import dev.reliability.core.error.ErrorClassification;
import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.error.ErrorCode;
import dev.reliability.core.error.ReliabilityException;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.redaction.Redactor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns any exception into a {@link ProblemDetail} that is safe to send to a client.
 *
 * <p>What reaches the client:
 *
 * <ul>
 *   <li>code, status, retryability and retry hint from the {@link ErrorClassifier};
 *   <li>{@code detail}: the exception's message for client errors (4xx) from a {@link
 *       ReliabilityException}, because those messages describe the client's mistake; otherwise the
 *       error code's title, because a server error's message is for operators;
 *   <li>{@code details}: a {@link ReliabilityException}'s details;
 *   <li>in development mode only: the message of any exception, and a {@code debug} member with the
 *       exception class, the cause chain and the stack trace.
 * </ul>
 *
 * <p>Every text that reaches the body passes through the {@link Redactor} first, so a password in a
 * message or a connection string in a cause never leaves the process. After redaction, {@code
 * detail} is cut to {@value #MAX_DETAIL_LENGTH} characters and {@code instance} to {@value
 * #MAX_INSTANCE_LENGTH}, each ending in {@code ...} when cut, so a hostile request path or message
 * cannot make the body large. Creating a problem takes time linear in the length of its texts.
 *
 * <p>Defaults: {@link ErrorClassifier#defaults()}, {@link Redactor#defaults()}, development mode
 * off, type {@code about:blank}. Development mode can also be switched by the setting {@code
 * reliability.errors.development-mode} (env {@code RELIABILITY_ERRORS_DEVELOPMENT_MODE}) through
 * {@link Builder#configSource(ConfigSource)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ProblemDetailFactory {

  /** The configuration prefix of this component. */
  public static final String CONFIG_PREFIX = "reliability.errors";

  /** Whether error responses include internal messages and stack traces. Default false. */
  public static final Setting<Boolean> DEVELOPMENT_MODE =
      Setting.booleanSetting("development-mode")
          .defaultValue(false)
          .description(
              "Include internal messages and stack traces in error responses; never in production")
          .build();

  /** Every setting of this component, for the configuration reference. */
  public static final List<Setting<?>> SETTINGS = List.of(DEVELOPMENT_MODE);

  /** The most characters of {@code detail} a problem carries; longer text is cut. */
  public static final int MAX_DETAIL_LENGTH = 1_024;

  /** The most characters of {@code instance} (the request path) a problem carries. */
  public static final int MAX_INSTANCE_LENGTH = 256;

  private static final int MAX_STACK_FRAMES = 50;

  private final ErrorClassifier classifier;
  private final Redactor redactor;
  private final boolean developmentMode;
  private final String typeBase;

  private ProblemDetailFactory(Builder b) {
    this.classifier = b.classifier;
    this.redactor = b.redactor;
    this.developmentMode = b.developmentMode;
    this.typeBase = b.typeBase;
  }

  /**
   * Returns a factory with the defaults.
   *
   * @return a factory in production mode
   */
  public static ProblemDetailFactory ofDefaults() {
    return builder().build();
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns whether this factory exposes internal messages and stack traces.
   *
   * @return true in development mode
   */
  public boolean developmentMode() {
    return developmentMode;
  }

  /**
   * Returns the classifier this factory uses.
   *
   * @return the classifier
   */
  public ErrorClassifier classifier() {
    return classifier;
  }

  /**
   * Creates the problem for a failure.
   *
   * @param failure the exception
   * @param requestId the request ID to include, or null
   * @return the problem
   */
  public ProblemDetail create(Throwable failure, String requestId) {
    return create(failure, requestId, null);
  }

  /**
   * Creates the problem for a failure.
   *
   * @param failure the exception
   * @param requestId the request ID to include, or null
   * @param instance the request path, or null
   * @return the problem
   */
  public ProblemDetail create(Throwable failure, String requestId, String instance) {
    ErrorClassification c = classifier.classify(failure);
    Throwable unwrapped = ErrorClassifier.unwrap(failure);
    ErrorCode code = c.errorCode();
    String detail = code.title();
    Map<String, Object> details = Map.of();
    if (unwrapped instanceof ReliabilityException r) {
      details = r.details();
      if (c.httpStatus() < 500 && r.getMessage() != null) {
        detail = redactor.redact(r.getMessage());
      }
    }
    Map<String, Object> debug = Map.of();
    if (developmentMode && unwrapped != null) {
      if (unwrapped.getMessage() != null) {
        detail = redactor.redact(unwrapped.getMessage());
      }
      debug = debug(unwrapped);
    }
    return new ProblemDetail(
        typeBase == null
            ? "about:blank"
            : typeBase + code.code().toLowerCase(Locale.ROOT).replace('_', '-'),
        code.title(),
        c.httpStatus(),
        bounded(detail, MAX_DETAIL_LENGTH),
        instance(instance),
        code.code(),
        requestId,
        c.retryable(),
        c.retryAfter(),
        details,
        debug);
  }

  /**
   * Creates a problem for an error code without an exception, such as a 400 for a bad parameter.
   *
   * @param code the error code
   * @param detail the explanation for the client; redacted
   * @param requestId the request ID, or null
   * @param instance the request path, or null
   * @param details structured details for the client; redacted
   * @return the problem
   */
  public ProblemDetail create(
      ErrorCode code, String detail, String requestId, String instance, Map<String, ?> details) {
    Checks.notNull("code", code);
    return new ProblemDetail(
        typeBase == null
            ? "about:blank"
            : typeBase + code.code().toLowerCase(Locale.ROOT).replace('_', '-'),
        code.title(),
        code.httpStatus(),
        detail == null ? code.title() : bounded(redactor.redact(detail), MAX_DETAIL_LENGTH),
        instance(instance),
        code.code(),
        requestId,
        code.retryable(),
        null,
        redactor.redactMap(details),
        Map.of());
  }

  private String instance(String path) {
    return path == null ? null : bounded(redactor.redact(path), MAX_INSTANCE_LENGTH);
  }

  /** Cuts text to {@code max} characters plus "...", never between the two halves of a pair. */
  static String bounded(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end) + "...";
  }

  private Map<String, Object> debug(Throwable t) {
    Map<String, Object> debug = new LinkedHashMap<>();
    debug.put("exception", t.getClass().getName());
    List<String> causes = new ArrayList<>();
    for (Throwable c = t.getCause(); c != null && causes.size() < 10; c = c.getCause()) {
      causes.add(redactor.redact(c.toString()));
    }
    if (!causes.isEmpty()) {
      debug.put("causes", causes);
    }
    List<String> frames = new ArrayList<>();
    for (StackTraceElement e : t.getStackTrace()) {
      if (frames.size() >= MAX_STACK_FRAMES) {
        break;
      }
      frames.add(e.toString());
    }
    debug.put("stack_trace", frames);
    return debug;
  }

  /** Builds a {@link ProblemDetailFactory}. Not thread-safe. */
  public static final class Builder {
    private ErrorClassifier classifier = ErrorClassifier.defaults();
    private Redactor redactor = Redactor.defaults();
    private boolean developmentMode;
    private ConfigSource configSource;
    private String typeBase;

    private Builder() {}

    /**
     * Sets the classifier.
     *
     * @param classifier the classifier
     * @return this builder
     */
    public Builder classifier(ErrorClassifier classifier) {
      this.classifier = Checks.notNull("classifier", classifier);
      return this;
    }

    /**
     * Sets the redactor applied to every text in the body.
     *
     * @param redactor the redactor
     * @return this builder
     */
    public Builder redactor(Redactor redactor) {
      this.redactor = Checks.notNull("redactor", redactor);
      return this;
    }

    /**
     * Includes internal messages and stack traces. Never turn this on in production.
     *
     * @param developmentMode whether to expose internals
     * @return this builder
     */
    public Builder developmentMode(boolean developmentMode) {
      this.developmentMode = developmentMode;
      return this;
    }

    /**
     * Sets the base of problem type URIs: the type becomes the base followed by the code in lower
     * case with dashes, such as {@code https://errors.example.com/service-timeout}.
     *
     * @param typeBase an absolute URI ending in {@code /} or {@code :}, or null for {@code
     *     about:blank}
     * @return this builder
     * @throws IllegalArgumentException if the base is not absolute or has no separator at its end
     */
    public Builder typeBase(String typeBase) {
      if (typeBase != null) {
        Checks.check(
            typeBase.matches("[a-zA-Z][a-zA-Z0-9+.-]*:\\S*[/:]"),
            "typeBase",
            "an absolute URI ending in '/' or ':'",
            "\"" + typeBase + "\"");
      }
      this.typeBase = typeBase;
      return this;
    }

    /**
     * Sets where {@link #DEVELOPMENT_MODE} is read from at {@link #build()}; a value there
     * overrides {@link #developmentMode(boolean)}. Default none: the value set in code only.
     *
     * @param source the source, such as {@link ConfigSource#standard()}
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.configSource = Checks.notNull("source", source);
      return this;
    }

    /**
     * Builds the factory, applying the {@linkplain #configSource(ConfigSource) configuration
     * source} if one is set.
     *
     * @return an immutable factory
     * @throws dev.reliability.core.config.ConfigurationException if the source holds an invalid
     *     value
     */
    public ProblemDetailFactory build() {
      if (configSource != null) {
        ConfigBinder binder = ConfigBinder.of(configSource, CONFIG_PREFIX);
        boolean mode = binder.get(DEVELOPMENT_MODE, developmentMode);
        binder.throwIfInvalid();
        this.developmentMode = mode;
      }
      return new ProblemDetailFactory(this);
    }
  }
}
