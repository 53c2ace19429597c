package dev.reliability.spring.boot.autoconfigure.health.internal;

import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthGroups;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.application.AvailabilityStateHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.PingHealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;

/**
 * Registers Actuator's own health contributors in the library's registry as checks ({@link
 * ActuatorIndicatorCheck}), so one detailed view holds both.
 *
 * <p>Each contributor becomes a check of the same name (characters the registry does not allow
 * become {@code -}) in the group {@value #GROUP}, and also in the registry's {@code liveness},
 * {@code readiness} or {@code startup} group when Actuator's group of that name has it as a member
 * ({@code management.endpoint.health.group.readiness.include=readinessState,db}); by default
 * Actuator's probe groups hold only the availability states, so the library's probes stay as they
 * were. Left out: the library's own composite (no loop), Spring's availability-state indicators
 * (the registry reads those states itself) and {@code ping}. A name already taken by a check of the
 * application keeps the application's check. The contributors are read once, when the application
 * context has created its beans.
 *
 * <p>This class is internal and may change at any time.
 */
public final class ActuatorIndicators {

  /** The registry group every check read from Actuator joins: {@value}. */
  public static final String GROUP = "actuator";

  private static final Logger LOG = LoggerFactory.getLogger(ActuatorIndicators.class);
  private static final Pattern NOT_ALLOWED = Pattern.compile("[^A-Za-z0-9_-]");

  private final ObjectProvider<HealthContributorRegistry> contributors;
  private final ObjectProvider<ReactiveHealthContributorRegistry> reactiveContributors;
  private final ObjectProvider<HealthEndpointGroups> groups;
  private final ObjectProvider<ReliabilityHealthContributor> own;

  /**
   * Creates the reader.
   *
   * @param contributors Actuator's registry of contributors
   * @param reactiveContributors Actuator's registry of reactive contributors
   * @param groups Actuator's health groups
   * @param own the library's composite, left out
   */
  public ActuatorIndicators(
      ObjectProvider<HealthContributorRegistry> contributors,
      ObjectProvider<ReactiveHealthContributorRegistry> reactiveContributors,
      ObjectProvider<HealthEndpointGroups> groups,
      ObjectProvider<ReliabilityHealthContributor> own) {
    this.contributors = contributors;
    this.reactiveContributors = reactiveContributors;
    this.groups = groups;
    this.own = own;
  }

  /**
   * Registers a check for each of Actuator's contributors.
   *
   * @param registry the library's registry
   * @return the names of the checks registered
   */
  public List<String> registerInto(HealthCheckRegistry registry) {
    List<String> registered = new ArrayList<>();
    HealthContributorRegistry blocking = contributors.getIfAvailable();
    if (blocking != null) {
      registerAll(registry, blocking, registered);
    }
    ReactiveHealthContributorRegistry reactive = reactiveContributors.getIfAvailable();
    if (reactive != null) {
      registerAll(registry, reactive.asHealthContributors(), registered);
    }
    return registered;
  }

  private void registerAll(
      HealthCheckRegistry registry, HealthContributors all, List<String> registered) {
    ReliabilityHealthContributor mine = own.getIfAvailable();
    HealthEndpointGroups actuatorGroups = groups.getIfAvailable();
    for (HealthContributors.Entry entry : all) {
      HealthContributor c = entry.contributor();
      if (c == mine
          || c instanceof ReliabilityHealthContributor
          || c instanceof AvailabilityStateHealthIndicator
          || c instanceof PingHealthIndicator) {
        continue;
      }
      String name = checkName(entry.name());
      if (name.isEmpty()) {
        continue;
      }
      if (registry.registration(name).isPresent()) {
        LOG.info(
            "Actuator's health contributor {} is not read into the health registry: a check"
                + " named {} is registered already",
            entry.name(),
            name);
        continue;
      }
      Set<String> in = new LinkedHashSet<>();
      in.add(GROUP);
      if (actuatorGroups != null) {
        for (String probe :
            List.of(HealthGroups.LIVENESS, HealthGroups.READINESS, HealthGroups.STARTUP)) {
          HealthEndpointGroup g = actuatorGroups.get(probe);
          if (g != null && g.isMember(entry.name())) {
            in.add(probe);
          }
        }
      }
      registry.register(
          name,
          new ActuatorIndicatorCheck(entry.name(), c),
          HealthCheckConfig.builder()
              .groups(in.toArray(String[]::new))
              .allowOnLiveness(in.contains(HealthGroups.LIVENESS))
              .build());
      registered.add(name);
    }
  }

  /** The registry's name for a contributor: disallowed characters as '-', at most 63. */
  static String checkName(String actuatorName) {
    String bounded = actuatorName.length() > 63 ? actuatorName.substring(0, 63) : actuatorName;
    String name = NOT_ALLOWED.matcher(bounded).replaceAll("-");
    int start = 0;
    while (start < name.length() && !Character.isLetterOrDigit(name.charAt(start))) {
      start++;
    }
    return name.substring(start);
  }
}
