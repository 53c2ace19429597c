package dev.reliability.spring.boot.autoconfigure.health.internal;

import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * One of Actuator's health contributors (the {@code db}, {@code diskSpace}, {@code redis}
 * indicators, or a composite of them) as a check of the library's registry, so the registry's
 * detailed view holds Actuator's results too. The run asks the indicator with details; a composite
 * is as bad as its worst member, with each member's status and details. Statuses map as {@link
 * ActuatorStatus#fromActuator} says; detail values other than strings, numbers, booleans, lists and
 * maps are shown as text.
 *
 * <p>Not live: indicators may do I/O (a database query), so runs are cached, timed out and bounded
 * like any other check's. Its kind comes from the contributor's name: data stores ({@code db},
 * {@code redis}, {@code mongo}, ...) are {@link HealthCheckKind#DATASTORE}, {@code diskSpace} and
 * {@code ssl} {@link HealthCheckKind#SYSTEM}, anything else {@link HealthCheckKind#DEPENDENCY}.
 *
 * <p>This class is internal and may change at any time. Thread-safe if the indicator is.
 */
public final class ActuatorIndicatorCheck implements HealthCheck {

  private static final Set<String> DATASTORES =
      Set.of(
          "db",
          "r2dbc",
          "redis",
          "mongo",
          "cassandra",
          "couchbase",
          "elasticsearch",
          "neo4j",
          "influxdb",
          "ldap",
          "hazelcast");
  private static final Set<String> SYSTEM = Set.of("diskspace", "ssl");

  private final String name;
  private final HealthContributor contributor;
  private final HealthCheckKind kind;

  /**
   * Creates the check.
   *
   * @param name the contributor's name in Actuator
   * @param contributor the contributor
   */
  public ActuatorIndicatorCheck(String name, HealthContributor contributor) {
    this.name = name;
    this.contributor = contributor;
    String key = name.toLowerCase(Locale.ROOT);
    this.kind =
        DATASTORES.contains(key)
            ? HealthCheckKind.DATASTORE
            : SYSTEM.contains(key) ? HealthCheckKind.SYSTEM : HealthCheckKind.DEPENDENCY;
  }

  /**
   * Returns the contributor's name in Actuator.
   *
   * @return the name
   */
  public String actuatorName() {
    return name;
  }

  @Override
  public HealthCheckResult check() {
    if (contributor instanceof HealthIndicator indicator) {
      Health health = indicator.health(true);
      if (health == null) {
        return HealthCheckResult.unknown("the indicator returned no health");
      }
      HealthStatus status = ActuatorStatus.fromActuator(health.getStatus());
      HealthCheckResult.Builder result = HealthCheckResult.builder(status);
      String description = health.getStatus().getDescription();
      if (description != null && !description.isEmpty()) {
        result.message(description);
      } else if (status != HealthStatus.HEALTHY) {
        result.message("Actuator reports " + health.getStatus().getCode());
      }
      health.getDetails().forEach((k, v) -> result.detail(k, plain(v)));
      return result.build();
    }
    HealthStatus worst = HealthStatus.HEALTHY;
    Map<String, Object> members = new LinkedHashMap<>();
    for (HealthContributors.Entry e : (CompositeHealthContributor) contributor) {
      HealthCheckResult r = new ActuatorIndicatorCheck(e.name(), e.contributor()).check();
      worst = worst.worst(r.status());
      Map<String, Object> member = new LinkedHashMap<>();
      member.put("status", r.status().label());
      if (!r.message().isEmpty()) {
        member.put("message", r.message());
      }
      if (!r.details().isEmpty()) {
        member.put("details", r.details());
      }
      members.put(e.name(), member);
    }
    HealthCheckResult.Builder result = HealthCheckResult.builder(worst).details(members);
    if (worst != HealthStatus.HEALTHY) {
      result.message("worst member is " + worst.label());
    }
    return result.build();
  }

  private static Object plain(Object value) {
    if (value == null
        || value instanceof String
        || value instanceof Number
        || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
      return copy;
    }
    if (value instanceof Collection<?> list) {
      return list.stream().map(ActuatorIndicatorCheck::plain).toList();
    }
    return String.valueOf(value);
  }

  @Override
  public HealthCheckKind kind() {
    return kind;
  }

  @Override
  public String toString() {
    return "ActuatorIndicatorCheck[" + name + "]";
  }
}
