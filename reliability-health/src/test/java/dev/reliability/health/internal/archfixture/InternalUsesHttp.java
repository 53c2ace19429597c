package dev.reliability.health.internal.archfixture;

import dev.reliability.health.http.HealthFormat;

/** An upward edge for {@code HealthPackagesTest}: implementation code that knows the endpoints. */
class InternalUsesHttp {
  HealthFormat format() {
    return HealthFormat.JSON;
  }
}
