package dev.reliability.spring.boot.autoconfigure.health.internal;

import dev.reliability.health.HealthCheckRegistration;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthGroups;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Puts the registry's checks into Actuator's health groups of the same name: a check in the
 * registry's {@code readiness} group is a member of Actuator's {@code readiness} group ({@code
 * /actuator/health/readiness}), one in {@code liveness} of {@code liveness}, and likewise for any
 * group the application declares under {@code management.endpoint.health.group.<name>} whose name
 * is one of the registry's groups. The lifecycle's indicator joins {@code readiness}. Everything
 * else about a group (its other members, aggregation, status codes, details, additional paths) is
 * Actuator's.
 *
 * <p>It must run after Boot's own post-processor that creates the probe groups: both have the
 * lowest precedence, and the auto-configuration that declares this one comes after Boot's.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class ProbeGroupsPostProcessor implements HealthEndpointGroupsPostProcessor {

  private final String prefix;
  private final HealthCheckRegistry registry;

  /**
   * Creates the post-processor.
   *
   * @param contributorName the name under which Actuator knows the registry's composite
   * @param registry the registry
   */
  public ProbeGroupsPostProcessor(String contributorName, HealthCheckRegistry registry) {
    this.prefix = contributorName + "/";
    this.registry = registry;
  }

  @Override
  public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
    return new Groups(groups);
  }

  /** Whether an Actuator member name is one of the registry's checks in a group. */
  boolean isMember(String group, String member) {
    if (!member.startsWith(prefix)) {
      return false;
    }
    String name = member.substring(prefix.length());
    Optional<HealthCheckRegistration> r = registry.registration(name);
    if (r.isPresent()) {
      return ReliabilityHealthContributor.exported(r.get()) && r.get().groups().contains(group);
    }
    return name.equals(ReliabilityHealthContributor.LIFECYCLE)
        && group.equals(HealthGroups.READINESS);
  }

  private final class Groups implements HealthEndpointGroups, AdditionalPathsMapper {
    private final HealthEndpointGroups delegate;

    Groups(HealthEndpointGroups delegate) {
      this.delegate = delegate;
    }

    @Override
    public HealthEndpointGroup getPrimary() {
      return delegate.getPrimary();
    }

    @Override
    public Set<String> getNames() {
      return delegate.getNames();
    }

    @Override
    public HealthEndpointGroup get(String name) {
      HealthEndpointGroup group = delegate.get(name);
      return group == null ? null : new Group(name, group);
    }

    @Override
    public List<String> getAdditionalPaths(
        EndpointId endpointId, WebServerNamespace webServerNamespace) {
      return delegate instanceof AdditionalPathsMapper mapper
          ? mapper.getAdditionalPaths(endpointId, webServerNamespace)
          : null;
    }
  }

  private final class Group implements HealthEndpointGroup {
    private final String name;
    private final HealthEndpointGroup delegate;

    Group(String name, HealthEndpointGroup delegate) {
      this.name = name;
      this.delegate = delegate;
    }

    @Override
    public boolean isMember(String member) {
      return delegate.isMember(member) || ProbeGroupsPostProcessor.this.isMember(name, member);
    }

    @Override
    public boolean showComponents(SecurityContext securityContext) {
      return delegate.showComponents(securityContext);
    }

    @Override
    public boolean showDetails(SecurityContext securityContext) {
      return delegate.showDetails(securityContext);
    }

    @Override
    public StatusAggregator getStatusAggregator() {
      return delegate.getStatusAggregator();
    }

    @Override
    public HttpCodeStatusMapper getHttpCodeStatusMapper() {
      return delegate.getHttpCodeStatusMapper();
    }

    @Override
    public AdditionalHealthEndpointPath getAdditionalPath() {
      return delegate.getAdditionalPath();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Group g && g.name.equals(name) && g.delegate.equals(delegate);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + delegate.hashCode();
    }
  }
}
