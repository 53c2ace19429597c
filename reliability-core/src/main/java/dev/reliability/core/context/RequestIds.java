package dev.reliability.core.context;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Mints request IDs: 16 characters from {@code [A-Za-z0-9]}, about 95 random bits, such as {@code
 * 7Kq2xWm9RtYb3NvA}.
 *
 * <p>Short enough to read and type, URL-safe and header-safe without escaping, and unique in
 * practice: the chance that two of a billion IDs collide is about 10<sup>-11</sup>. The bits come
 * from {@link ThreadLocalRandom}, which is fast and lock-free but not a secure random source:
 * request IDs correlate logs and traces and must never be used as secrets or tokens.
 *
 * <p>Stateless and thread-safe.
 */
public final class RequestIds {

  /** The length of a minted ID. */
  public static final int MINTED_LENGTH = 16;

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private RequestIds() {}

  /**
   * Returns a fresh request ID.
   *
   * @return 16 alphanumeric characters
   */
  public static String mint() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] out = new byte[MINTED_LENGTH];
    int n = 0;
    while (n < MINTED_LENGTH) {
      long bits = random.nextLong();
      // Ten 6-bit groups per long; values 62 and 63 are skipped so every character is uniform.
      for (int g = 0; g < 10 && n < MINTED_LENGTH; g++) {
        int v = (int) (bits & 63);
        bits >>>= 6;
        if (v < 62) {
          out[n++] = (byte) ALPHABET[v];
        }
      }
    }
    return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
