package dev.reliability.health.http.archfixture;

import dev.reliability.health.alert.WebhookAlertNotifier;

/** A sideways edge for {@code HealthPackagesTest}: an endpoint that knows the alert client. */
class HttpUsesAlert {
  WebhookAlertNotifier.Format format() {
    return WebhookAlertNotifier.Format.SLACK;
  }
}
