/**
 * Alerts on health status changes: {@link dev.reliability.health.alert.WebhookAlertNotifier} is a
 * {@link dev.reliability.health.HealthListener} that posts each change of a check (and optionally
 * of a group) to a webhook as generic JSON or a Slack message, with de-duplication and a cooldown,
 * on its own thread. It is the module's only HTTP client; the registry and the probes know nothing
 * of it, and the HTTP endpoints in {@code dev.reliability.health.http} do not depend on it.
 */
package dev.reliability.health.alert;
