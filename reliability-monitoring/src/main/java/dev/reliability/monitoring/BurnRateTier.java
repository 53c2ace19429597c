package dev.reliability.monitoring;

import java.time.Duration;

/**
 * The four multi-window, multi-burn-rate alert tiers of the Google SRE workbook (chapter 5, table
 * 5-8), with the window pairs and factors that Sloth generates for a 30-day objective. A tier fires
 * when the error ratio over both its long and its short window exceeds {@code factor * (1 -
 * objective)}; the short window makes the alert stop soon after the burn stops.
 *
 * <p>Lower tiers burn faster: tier 1 spends 2% of a 30-day budget in an hour. Every generated alert
 * carries its tier as a label ({@code tier="1"} ...), and the Alertmanager example inhibits a
 * slower tier while a faster one fires for the same SLO and service.
 */
public enum BurnRateTier {
  /** Page: 2% of the budget in 1 hour. */
  PAGE_FAST(1, "page", Duration.ofHours(1), Duration.ofMinutes(5), 14.4, Duration.ofMinutes(2)),
  /** Page: 5% of the budget in 6 hours. */
  PAGE_SLOW(2, "page", Duration.ofHours(6), Duration.ofMinutes(30), 6, Duration.ofMinutes(15)),
  /** Ticket: 10% of the budget in 1 day. */
  TICKET_FAST(3, "ticket", Duration.ofDays(1), Duration.ofHours(2), 3, Duration.ofHours(1)),
  /** Ticket: 10% of the budget in 3 days. */
  TICKET_SLOW(4, "ticket", Duration.ofDays(3), Duration.ofHours(6), 1, Duration.ofHours(3));

  private final int tier;
  private final String severity;
  private final Duration longWindow;
  private final Duration shortWindow;
  private final double factor;
  private final Duration pendingFor;

  BurnRateTier(
      int tier,
      String severity,
      Duration longWindow,
      Duration shortWindow,
      double factor,
      Duration pendingFor) {
    this.tier = tier;
    this.severity = severity;
    this.longWindow = longWindow;
    this.shortWindow = shortWindow;
    this.factor = factor;
    this.pendingFor = pendingFor;
  }

  /**
   * Returns the tier number, the value of the {@code tier} label.
   *
   * @return 1 (fastest) to 4 (slowest)
   */
  public int tier() {
    return tier;
  }

  /**
   * Returns the severity label.
   *
   * @return {@code page} or {@code ticket}
   */
  public String severity() {
    return severity;
  }

  /**
   * Returns the long window.
   *
   * @return the long window
   */
  public Duration longWindow() {
    return longWindow;
  }

  /**
   * Returns the short window.
   *
   * @return the short window
   */
  public Duration shortWindow() {
    return shortWindow;
  }

  /**
   * Returns the burn-rate factor.
   *
   * @return how many times faster than sustainable the budget burns
   */
  public double factor() {
    return factor;
  }

  /**
   * Returns how long the condition must hold before the alert fires (the rule's {@code for}).
   *
   * @return the pending duration
   */
  public Duration pendingFor() {
    return pendingFor;
  }
}
