/**
 * Build-time monitoring tools for services that use the metrics module: one {@link
 * dev.reliability.monitoring.MonitoringDeclaration} (SLOs and alert thresholds) from which {@link
 * dev.reliability.monitoring.MonitoringFiles} generates Prometheus rules, their promtool tests, an
 * Alertmanager example and a Grafana dashboard, and {@link dev.reliability.monitoring.MetricsLint},
 * which checks a Prometheus scrape the way {@code promtool check metrics} does. The command line in
 * {@code dev.reliability.monitoring.cli} writes the files for a service; {@code internal} holds the
 * exposition parser. Nothing here is needed at run time.
 */
package dev.reliability.monitoring;
