package dev.reliability.monitoring;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A service level objective over a ratio of good events to all events, counted by two Prometheus
 * counter selectors: for example {@code reliability_http_server_requests_seconds_count
 * {status_class!="5xx"}} out of {@code reliability_http_server_requests_seconds_count}.
 *
 * <p>The generated rules alert on how fast the error budget {@code 1 - objective} burns, with the
 * multi-window, multi-burn-rate method (see {@link BurnRateTier}). Burn-rate alerts need a minimum
 * number of events in their long window, so a low-traffic service does not page on one error: by
 * default just enough that one bad event alone stays below the threshold ({@code ceil(1 / (factor *
 * (1 - objective)))}); {@link Builder#minimumEvents(long)} sets a fixed floor instead.
 *
 * <pre>{@code
 * Slo availability =
 *     Slo.builder("http-availability")
 *         .description("HTTP requests that do not fail with a 5xx status")
 *         .objective(0.999)
 *         .window(Duration.ofDays(30))
 *         .good("reliability_http_server_requests_seconds_count{status_class!=\"5xx\"}")
 *         .total("reliability_http_server_requests_seconds_count")
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Slo {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Pattern SELECTOR =
      Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^{}]*\\})?");

  private final String name;
  private final String description;
  private final double objective;
  private final Duration window;
  private final String good;
  private final String total;
  private final long minimumEvents;

  private Slo(Builder b) {
    this.name = b.name;
    this.description = b.description;
    this.objective = b.objective;
    this.window = b.window;
    this.good = b.good;
    this.total = b.total;
    this.minimumEvents = b.minimumEvents;
  }

  /**
   * Starts a builder.
   *
   * @param name the SLO name, lower-case letters, digits and dashes, such as {@code
   *     http-availability}; used as the {@code slo} label
   * @return a builder
   * @throws IllegalArgumentException if the name has another form
   */
  public static Builder builder(String name) {
    Checks.notNull("name", name);
    Checks.check(
        NAME.matcher(name).matches(),
        "name",
        "lower-case letters, digits and '-' (at most 63)",
        "\"" + name + "\"");
    return new Builder(name);
  }

  /**
   * Returns the name.
   *
   * @return the name, the value of the {@code slo} label
   */
  public String name() {
    return name;
  }

  /**
   * Returns the description.
   *
   * @return what counts as a good event
   */
  public String description() {
    return description;
  }

  /**
   * Returns the objective.
   *
   * @return the target share of good events, such as 0.999
   */
  public double objective() {
    return objective;
  }

  /**
   * Returns the error budget.
   *
   * @return {@code 1 - objective}
   */
  public double errorBudget() {
    return 1.0 - objective;
  }

  /**
   * Returns the compliance window.
   *
   * @return the window, such as 30 days
   */
  public Duration window() {
    return window;
  }

  /**
   * Returns the selector of good events.
   *
   * @return a Prometheus counter selector
   */
  public String good() {
    return good;
  }

  /**
   * Returns the selector of all events.
   *
   * @return a Prometheus counter selector
   */
  public String total() {
    return total;
  }

  /**
   * Returns the fewest events the long window of a tier must hold before it may alert.
   *
   * @param tier the tier
   * @return the minimum number of events
   */
  public long minimumEvents(BurnRateTier tier) {
    if (minimumEvents > 0) {
      return minimumEvents;
    }
    return (long) Math.ceil(1.0 / (tier.factor() * errorBudget()) - 1e-9);
  }

  @Override
  public String toString() {
    return "Slo[" + name + ": " + objective + " over " + DurationText.format(window) + "]";
  }

  /** Builds an {@link Slo}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private String description = "";
    private double objective = 0.999;
    private Duration window = Duration.ofDays(30);
    private String good;
    private String total;
    private long minimumEvents;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the description.
     *
     * @param description what counts as a good event
     * @return this builder
     */
    public Builder description(String description) {
      this.description = Checks.notNull("description", description);
      return this;
    }

    /**
     * Sets the objective. Default 0.999.
     *
     * @param objective between 0.5 and 0.99999
     * @return this builder
     */
    public Builder objective(double objective) {
      this.objective = Checks.inRange("objective", objective, 0.5, 0.99999);
      return this;
    }

    /**
     * Sets the compliance window. Default 30 days; the burn-rate factors assume about a month.
     *
     * @param window between 1 and 90 days
     * @return this builder
     */
    public Builder window(Duration window) {
      Checks.notNull("window", window);
      Checks.check(
          window.compareTo(Duration.ofDays(1)) >= 0 && window.compareTo(Duration.ofDays(90)) <= 0,
          "window",
          "between 1d and 90d",
          DurationText.format(window));
      this.window = window;
      return this;
    }

    /**
     * Sets the selector of good events.
     *
     * @param selector a counter selector such as {@code metric{label="value"}}
     * @return this builder
     */
    public Builder good(String selector) {
      this.good = selector(selector);
      return this;
    }

    /**
     * Sets the selector of all events.
     *
     * @param selector a counter selector
     * @return this builder
     */
    public Builder total(String selector) {
      this.total = selector(selector);
      return this;
    }

    /**
     * Sets a fixed minimum number of events in every tier's long window. Default: derived per tier
     * so that one bad event alone never reaches the threshold.
     *
     * @param minimumEvents at least 1
     * @return this builder
     */
    public Builder minimumEvents(long minimumEvents) {
      this.minimumEvents = Checks.positive("minimumEvents", minimumEvents);
      return this;
    }

    private static String selector(String selector) {
      Checks.notNull("selector", selector);
      Checks.check(
          SELECTOR.matcher(selector).matches(),
          "selector",
          "a metric name with optional {label matchers}",
          "\"" + selector + "\"");
      return selector;
    }

    /**
     * Builds the SLO.
     *
     * @return the SLO
     * @throws IllegalStateException if the good or total selector is missing
     */
    public Slo build() {
      if (good == null || total == null) {
        throw new IllegalStateException("SLO " + name + " needs both a good and a total selector");
      }
      return new Slo(this);
    }
  }
}
