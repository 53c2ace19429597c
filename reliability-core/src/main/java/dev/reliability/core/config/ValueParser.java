package dev.reliability.core.config;

/**
 * Turns the text of a setting into a typed value.
 *
 * <p>A parser throws {@link IllegalArgumentException} whose message completes the sentence "must be
 * ..." for the setting (for example {@code "a duration such as 500ms, 60s, 5m or PT1M"}), so {@link
 * ConfigBinder} can report the setting, the rejected text and where it came from in one line.
 * Parsers must be stateless and thread-safe.
 *
 * @param <T> the parsed type
 */
@FunctionalInterface
public interface ValueParser<T> {

  /**
   * Parses {@code text}.
   *
   * @param text the raw text, never null; surrounding whitespace is already trimmed
   * @return the parsed value, never null
   * @throws IllegalArgumentException if the text is not a valid value; the message describes what
   *     is allowed
   */
  T parse(String text);
}
