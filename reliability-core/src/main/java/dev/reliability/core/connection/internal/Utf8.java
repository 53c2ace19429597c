package dev.reliability.core.connection.internal;

/**
 * Counts the UTF-8 length of text without encoding it, for the outbound queue's byte bound; agrees
 * with {@code text.getBytes(UTF_8).length}.
 *
 * <p>Internal: may change at any time.
 */
final class Utf8 {

  private Utf8() {}

  static long length(CharSequence s) {
    long bytes = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes += 1; // an unpaired surrogate is encoded as '?', as String.getBytes does
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
