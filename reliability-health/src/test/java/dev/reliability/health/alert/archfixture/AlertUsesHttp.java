package dev.reliability.health.alert.archfixture;

import dev.reliability.health.http.HealthFormat;

/** A sideways edge for {@code HealthPackagesTest}: the alert client that knows the endpoints. */
class AlertUsesHttp {
  HealthFormat format() {
    return HealthFormat.HEALTH_JSON;
  }
}
