package dev.reliability.health.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.core.time.TimeSource;
import dev.reliability.health.HealthListener;
import dev.reliability.health.HealthSettings;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.HealthStatusChange;
import dev.reliability.health.internal.NamedThreads;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts health alerts to a webhook: a generic JSON body, or a Slack-compatible one for an incoming
 * webhook. Add it to a registry as a listener.
 *
 * <pre>{@code
 * WebhookAlertNotifier alerts = WebhookAlertNotifier.builder(URI.create(slackWebhookUrl))
 *     .format(WebhookAlertNotifier.Format.SLACK)
 *     .serviceName("orders")
 *     .build();
 * registry.addListener(alerts);
 * }</pre>
 *
 * <p><b>What is sent.</b> An alert <em>fires</em> when a check's status becomes at least {@link
 * Builder#minimumStatus(HealthStatus)} (degraded by default), and <em>resolves</em> when it drops
 * below again after a firing alert was sent. Changes of groups are sent only with {@link
 * Builder#includeGroups(boolean)}. A check that turns healthy at start-up sends nothing.
 *
 * <p><b>De-duplication and cooldown</b> ({@code reliability.health.alert-cooldown}, default 5m): an
 * alert whose status equals the last one sent for the same check is dropped. After an alert,
 * further changes of that check within the cooldown are held back; when the cooldown ends, the
 * latest held change is sent if it differs from the last alert, with {@code suppressed_count}
 * telling how many changes were held back. So a flapping check sends at most one alert per
 * cooldown, and its final state is never lost.
 *
 * <p><b>Delivery</b> happens on the notifier's own daemon thread, never on the thread that reported
 * the change; at most 100 alerts wait, further ones are dropped and counted. A failed post
 * (non-2xx, timeout after {@code reliability.health.alert-timeout}, default 5s) is logged and
 * counted, not retried; so is any other failure of an alert, an {@link Error} included (a detail
 * whose serialisation overflows the stack, say), and the thread that releases held alerts goes on
 * whatever it meets. Times come from the {@link TimeSource}; the cooldown's end is noticed within a
 * second.
 *
 * <p>Thread-safe. {@link #close()} stops the thread; alerts still waiting are dropped.
 */
public final class WebhookAlertNotifier implements HealthListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookAlertNotifier.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_WAITING = 100;

  /** The prefix of the alert settings. */
  public static final String CONFIG_PREFIX = HealthSettings.PREFIX;

  /** The minimum time between two alerts of the same check. */
  public static final Setting<Duration> COOLDOWN =
      Setting.durationSetting("alert-cooldown", ChronoUnit.SECONDS)
          .defaultValue(Duration.ofMinutes(5))
          .between(Duration.ZERO, Duration.ofDays(1))
          .description("Minimum time between two alerts about the same check")
          .build();

  /** How long one webhook post may take. */
  public static final Setting<Duration> REQUEST_TIMEOUT =
      Setting.durationSetting("alert-timeout", ChronoUnit.SECONDS)
          .defaultValue(Duration.ofSeconds(5))
          .between(Duration.ofMillis(1), Duration.ofMinutes(1))
          .description("How long one webhook post may take")
          .build();

  /** Every setting declared here. */
  public static final List<Setting<?>> SETTINGS = List.of(COOLDOWN, REQUEST_TIMEOUT);

  /** The body posted to the webhook. */
  public enum Format {
    /**
     * A JSON object with {@code service}, {@code subject}, {@code subject_type}, {@code status},
     * {@code previous_status}, {@code message}, {@code timestamp}, {@code suppressed_count} and
     * {@code details}.
     */
    GENERIC_JSON,
    /**
     * A Slack incoming-webhook message: {@code text} plus one colour-coded attachment with the
     * status, the previous status and the suppressed count.
     */
    SLACK
  }

  private final URI webhook;
  private final Format format;
  private final Duration cooldown;
  private final long cooldownNanos;
  private final Duration requestTimeout;
  private final HealthStatus minimumStatus;
  private final boolean includeGroups;
  private final String serviceName;
  private final TimeSource time;
  private final HttpClient client;
  private final ScheduledThreadPoolExecutor worker;

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Subject> subjects = new HashMap<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();
  private final AtomicLong deduplicated = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  /** What was last sent about one subject, and the change held back since. Guarded by lock. */
  private static final class Subject {
    HealthStatus lastSent;
    long lastSentNanos;
    HealthStatusChange held;
    int heldCount;
  }

  private WebhookAlertNotifier(Builder b) {
    ConfigBinder config = ConfigBinder.of(b.configSource, HealthSettings.PREFIX);
    this.cooldown = config.get(COOLDOWN, b.cooldown);
    this.requestTimeout = config.get(REQUEST_TIMEOUT, b.requestTimeout);
    config.throwIfInvalid();
    this.cooldownNanos = cooldown.toNanos();
    this.webhook = b.webhook;
    this.format = b.format;
    this.minimumStatus = b.minimumStatus;
    this.includeGroups = b.includeGroups;
    this.serviceName = b.serviceName;
    this.time = b.time;
    this.client =
        b.client != null
            ? b.client
            : HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    this.worker = new ScheduledThreadPoolExecutor(1, new NamedThreads("reliability-health-alerts"));
    long tick = b.tick.toNanos();
    worker.scheduleWithFixedDelay(this::releaseHeld, tick, tick, TimeUnit.NANOSECONDS);
  }

  /**
   * Starts a notifier.
   *
   * @param webhook the URL to post to
   * @return a new builder
   * @throws IllegalArgumentException if the URL is not absolute http or https
   */
  public static Builder builder(URI webhook) {
    Checks.notNull("webhook", webhook);
    String scheme = webhook.getScheme();
    Checks.check(
        "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme),
        "webhook",
        "an absolute http or https URL",
        "a " + scheme + " URL");
    return new Builder(webhook);
  }

  @Override
  public void onStatusChanged(HealthStatusChange change) {
    if (change.type() == HealthStatusChange.SubjectType.GROUP && !includeGroups) {
      return;
    }
    long now = time.nanoTime();
    Alert alert = null;
    lock.lock();
    try {
      Subject s = subjects.computeIfAbsent(key(change), k -> new Subject());
      if (!alertable(change.current(), s)) {
        s.held = null;
        return;
      }
      if (s.lastSent == change.current()) {
        deduplicated.incrementAndGet();
        s.held = null;
        return;
      }
      if (s.lastSent != null && now - s.lastSentNanos < cooldownNanos) {
        s.held = change;
        s.heldCount++;
        suppressed.incrementAndGet();
        return;
      }
      alert = take(s, change, now);
    } finally {
      lock.unlock();
    }
    deliver(alert);
  }

  private boolean alertable(HealthStatus status, Subject s) {
    boolean firing = !minimumStatus.isWorseThan(status);
    boolean resolving = !firing && s.lastSent != null && !minimumStatus.isWorseThan(s.lastSent);
    return firing || resolving;
  }

  // Guarded by lock.
  private Alert take(Subject s, HealthStatusChange change, long now) {
    HealthStatus previous = s.lastSent == null ? change.previous() : s.lastSent;
    Alert alert = new Alert(change, previous, s.heldCount);
    s.lastSent = change.current();
    s.lastSentNanos = now;
    s.held = null;
    s.heldCount = 0;
    return alert;
  }

  /** Sends the held change of each subject whose cooldown has ended. */
  private void releaseHeld() {
    try {
      long now = time.nanoTime();
      List<Alert> due = new ArrayList<>();
      lock.lock();
      try {
        for (Subject s : subjects.values()) {
          if (s.held != null && now - s.lastSentNanos >= cooldownNanos) {
            if (s.held.current() == s.lastSent) {
              s.held = null;
              s.heldCount = 0;
            } else {
              due.add(take(s, s.held, now));
            }
          }
        }
      } finally {
        lock.unlock();
      }
      for (Alert a : due) {
        send(a);
      }
    } catch (Throwable e) {
      // A periodic task that throws is cancelled for good: catch everything, Errors included,
      // so held alerts keep being released.
      try {
        LOG.warn("Releasing held health alerts failed; it keeps running", e);
      } catch (Throwable ignored) {
        // Logging can fail under memory pressure.
      }
    }
  }

  private void deliver(Alert alert) {
    if (waiting.incrementAndGet() > MAX_WAITING) {
      waiting.decrementAndGet();
      dropped.incrementAndGet();
      LOG.warn(
          "Health alert about {} dropped: {} alerts already waiting",
          alert.change.subject(),
          MAX_WAITING);
      return;
    }
    try {
      worker.execute(
          () -> {
            waiting.decrementAndGet();
            send(alert);
          });
    } catch (RejectedExecutionException e) {
      waiting.decrementAndGet();
      dropped.incrementAndGet();
    }
  }

  // Never throws: a failure of any kind, Errors included, counts as a failed alert.
  private void send(Alert alert) {
    try {
      post(alert);
    } catch (Throwable e) {
      failed.incrementAndGet();
      try {
        LOG.warn("Health alert about {} could not be sent", alert.change.subject(), e);
      } catch (Throwable ignored) {
        // Logging can fail under memory pressure; the count still tells.
      }
    }
  }

  private void post(Alert alert) {
    String body;
    try {
      body = JSON.writeValueAsString(format == Format.SLACK ? slack(alert) : generic(alert));
    } catch (JsonProcessingException e) {
      failed.incrementAndGet();
      LOG.warn("Health alert about {} could not be written", alert.change.subject(), e);
      return;
    }
    HttpRequest request =
        HttpRequest.newBuilder(webhook)
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 == 2) {
        sent.incrementAndGet();
      } else {
        failed.incrementAndGet();
        LOG.warn(
            "Health alert about {} was refused by the webhook with HTTP {}",
            alert.change.subject(),
            response.statusCode());
      }
    } catch (IOException e) {
      failed.incrementAndGet();
      LOG.warn(
          "Health alert about {} could not be posted: {}", alert.change.subject(), e.toString());
    } catch (InterruptedException e) {
      failed.incrementAndGet();
      Thread.currentThread().interrupt();
    }
  }

  private Map<String, Object> generic(Alert a) {
    HealthStatusChange c = a.change;
    Map<String, Object> body = new LinkedHashMap<>();
    if (serviceName != null) {
      body.put("service", serviceName);
    }
    body.put("subject", c.subject());
    body.put("subject_type", c.type().name().toLowerCase(java.util.Locale.ROOT));
    body.put("status", c.current().label());
    body.put("previous_status", a.previous.label());
    body.put("message", c.message());
    body.put("timestamp", c.time().toString());
    body.put("suppressed_count", a.suppressedCount);
    body.put("details", c.details());
    return body;
  }

  private Map<String, Object> slack(Alert a) {
    HealthStatusChange c = a.change;
    String text =
        emoji(c.current())
            + " *"
            + (serviceName == null ? "" : "[" + serviceName + "] ")
            + c.subject()
            + " is "
            + c.current().label()
            + "* (was "
            + a.previous.label()
            + ")"
            + (c.message().isEmpty() ? "" : ": " + c.message());
    List<Map<String, Object>> fields = new ArrayList<>();
    fields.add(field("status", c.current().label()));
    fields.add(field("previous", a.previous.label()));
    if (a.suppressedCount > 0) {
      fields.add(
          field(
              "suppressed",
              a.suppressedCount
                  + " changes during the "
                  + DurationText.format(cooldown)
                  + " cooldown"));
    }
    Map<String, Object> attachment = new LinkedHashMap<>();
    attachment.put("color", colour(c.current()));
    attachment.put("fields", fields);
    attachment.put("ts", c.time().getEpochSecond());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("text", text);
    body.put("attachments", List.of(attachment));
    return body;
  }

  private static Map<String, Object> field(String title, String value) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("title", title);
    f.put("value", value);
    f.put("short", true);
    return f;
  }

  private static String emoji(HealthStatus s) {
    switch (s) {
      case HEALTHY:
        return ":large_green_circle:";
      case DEGRADED:
        return ":large_yellow_circle:";
      case UNKNOWN:
        return ":white_circle:";
      default:
        return ":red_circle:";
    }
  }

  private static String colour(HealthStatus s) {
    switch (s) {
      case HEALTHY:
        return "#2eb886";
      case DEGRADED:
        return "#daa038";
      case UNKNOWN:
        return "#a0a0a0";
      default:
        return "#d50200";
    }
  }

  private static String key(HealthStatusChange c) {
    return c.type().name() + ":" + c.subject();
  }

  /**
   * Returns the number of alerts the webhook accepted.
   *
   * @return the count
   */
  public long sentCount() {
    return sent.get();
  }

  /**
   * Returns the number of changes held back by a cooldown.
   *
   * @return the count
   */
  public long suppressedCount() {
    return suppressed.get();
  }

  /**
   * Returns the number of alerts dropped because they repeated the last alert's status.
   *
   * @return the count
   */
  public long deduplicatedCount() {
    return deduplicated.get();
  }

  /**
   * Returns the number of posts that failed.
   *
   * @return the count
   */
  public long failedCount() {
    return failed.get();
  }

  /**
   * Returns the number of alerts dropped because too many were waiting or the notifier was closed.
   *
   * @return the count
   */
  public long droppedCount() {
    return dropped.get();
  }

  /**
   * Returns the cooldown in force.
   *
   * @return the cooldown
   */
  public Duration cooldown() {
    return cooldown;
  }

  /** Stops the delivery thread; alerts still waiting are dropped. Idempotent. */
  @Override
  public void close() {
    worker.shutdownNow();
  }

  @Override
  public String toString() {
    return "WebhookAlertNotifier[" + format + ", cooldown " + DurationText.format(cooldown) + "]";
  }

  private static final class Alert {
    final HealthStatusChange change;
    final HealthStatus previous;
    final int suppressedCount;

    Alert(HealthStatusChange change, HealthStatus previous, int suppressedCount) {
      this.change = change;
      this.previous = previous;
      this.suppressedCount = suppressedCount;
    }
  }

  /** Builds a {@link WebhookAlertNotifier}. Not thread-safe. */
  public static final class Builder {
    private final URI webhook;
    private Format format = Format.GENERIC_JSON;
    private Duration cooldown;
    private Duration requestTimeout;
    private HealthStatus minimumStatus = HealthStatus.DEGRADED;
    private boolean includeGroups;
    private String serviceName;
    private TimeSource time = TimeSource.system();
    private ConfigSource configSource = ConfigSource.standard();
    private HttpClient client;
    private Duration tick = Duration.ofSeconds(1);

    private Builder(URI webhook) {
      this.webhook = webhook;
    }

    /**
     * Sets the body format. Default {@link Format#GENERIC_JSON}.
     *
     * @param format the format
     * @return this builder
     */
    public Builder format(Format format) {
      this.format = Checks.notNull("format", format);
      return this;
    }

    /**
     * Sets the minimum time between two alerts of the same check. Default 5m.
     *
     * @param cooldown zero to one day ({@link #COOLDOWN})
     * @return this builder
     */
    public Builder cooldown(Duration cooldown) {
      this.cooldown = COOLDOWN.check(cooldown);
      return this;
    }

    /**
     * Sets how long one post may take. Default 5s.
     *
     * @param timeout 1 ms to 1 minute ({@link #REQUEST_TIMEOUT})
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = REQUEST_TIMEOUT.check(timeout);
      return this;
    }

    /**
     * Sets the status from which an alert fires. Default {@link HealthStatus#DEGRADED}.
     *
     * @param status {@link HealthStatus#DEGRADED}, {@link HealthStatus#UNKNOWN} or {@link
     *     HealthStatus#UNHEALTHY}
     * @return this builder
     */
    public Builder minimumStatus(HealthStatus status) {
      Checks.notNull("minimumStatus", status);
      Checks.check(status != HealthStatus.HEALTHY, "minimumStatus", "worse than healthy", status);
      this.minimumStatus = status;
      return this;
    }

    /**
     * Also alerts on changes of groups (probes), not only of checks. Default off.
     *
     * @param include true to include groups
     * @return this builder
     */
    public Builder includeGroups(boolean include) {
      this.includeGroups = include;
      return this;
    }

    /**
     * Sets the service's name shown in alerts.
     *
     * @param name the name
     * @return this builder
     */
    public Builder serviceName(String name) {
      this.serviceName = Checks.notBlank("serviceName", name);
      return this;
    }

    /**
     * Sets the time source for cooldowns. Default {@link TimeSource#system()}.
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Checks.notNull("timeSource", time);
      return this;
    }

    /**
     * Sets where settings come from. Default {@link ConfigSource#standard()}.
     *
     * @param source the source
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.configSource = Checks.notNull("configSource", source);
      return this;
    }

    /**
     * Sets the HTTP client. Default: a client of the notifier's own.
     *
     * @param client the client
     * @return this builder
     */
    public Builder httpClient(HttpClient client) {
      this.client = Checks.notNull("httpClient", client);
      return this;
    }

    // How often held changes are looked at; shortened by tests.
    Builder tick(Duration tick) {
      this.tick = Checks.positive("tick", tick);
      return this;
    }

    /**
     * Builds the notifier and starts its delivery thread.
     *
     * @return the notifier; close it when done
     * @throws ConfigurationException if configuration holds an invalid alert setting
     */
    public WebhookAlertNotifier build() {
      return new WebhookAlertNotifier(this);
    }
  }
}
