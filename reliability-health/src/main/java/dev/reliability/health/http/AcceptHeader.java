package dev.reliability.health.http;

import java.util.Locale;

/**
 * Picks the {@link HealthFormat} for a request from its {@code Accept} header and {@code format}
 * query parameter.
 *
 * <p>The query parameter wins ({@code json}, {@code health+json} or {@code ietf}, {@code
 * microprofile} or {@code mp}). Otherwise the media range with the highest quality that names
 * {@code application/health+json} selects that format, one that names {@code application/json},
 * {@code application/*} or {@code *}{@code /*} selects the default; on equal quality the more
 * specific range wins, then the earlier one. A header that matches nothing, or cannot be parsed,
 * gets the default format rather than 406, so an odd probe client never fails a probe.
 *
 * <p>Package-private: shared by the handler and the servlet only. Stateless and thread-safe; never
 * throws.
 */
final class AcceptHeader {

  private AcceptHeader() {}

  /**
   * Chooses the format.
   *
   * @param accept the {@code Accept} header, or null
   * @param query the raw query string, or null
   * @param defaultFormat the endpoint's default
   * @return the format
   */
  static HealthFormat choose(String accept, String query, HealthFormat defaultFormat) {
    HealthFormat fromQuery = fromQuery(query);
    if (fromQuery != null) {
      return fromQuery;
    }
    if (accept == null || accept.isBlank()) {
      return defaultFormat;
    }
    HealthFormat best = null;
    double bestQ = 0;
    int bestSpecificity = -1;
    for (String range : accept.split(",", 64)) {
      String[] parts = range.split(";", 16);
      String type = parts[0].strip().toLowerCase(Locale.ROOT);
      int specificity;
      HealthFormat format;
      if (type.equals("application/health+json")) {
        format = HealthFormat.HEALTH_JSON;
        specificity = 2;
      } else if (type.equals("application/json")) {
        format = defaultFormat == HealthFormat.HEALTH_JSON ? HealthFormat.JSON : defaultFormat;
        specificity = 2;
      } else if (type.equals("application/*")) {
        format = defaultFormat;
        specificity = 1;
      } else if (type.equals("*/*") || type.equals("*")) {
        format = defaultFormat;
        specificity = 0;
      } else {
        continue;
      }
      double q = quality(parts);
      if (q <= 0) {
        continue;
      }
      if (q > bestQ || (q == bestQ && specificity > bestSpecificity)) {
        best = format;
        bestQ = q;
        bestSpecificity = specificity;
      }
    }
    return best == null ? defaultFormat : best;
  }

  private static double quality(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip();
      if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
        try {
          double q = Double.parseDouble(p.substring(2).strip());
          return q >= 0 && q <= 1 ? q : 1.0;
        } catch (NumberFormatException e) {
          return 1.0;
        }
      }
    }
    return 1.0;
  }

  private static HealthFormat fromQuery(String query) {
    if (query == null || query.isEmpty()) {
      return null;
    }
    for (String pair : query.split("&", 32)) {
      if (pair.regionMatches(true, 0, "format=", 0, 7)) {
        String value = pair.substring(7).toLowerCase(Locale.ROOT).replace("%2b", "+");
        switch (value) {
          case "json":
            return HealthFormat.JSON;
          case "health+json":
          case "health json":
          case "ietf":
            return HealthFormat.HEALTH_JSON;
          case "microprofile":
          case "mp":
            return HealthFormat.MICROPROFILE;
          default:
            return null;
        }
      }
    }
    return null;
  }
}
