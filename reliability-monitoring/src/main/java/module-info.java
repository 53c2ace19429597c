/**
 * Build-time monitoring files for services that use the library: Prometheus recording and alert
 * rules with their promtool tests, an Alertmanager file, a Grafana dashboard, and a lint of a
 * scrape. Exports the API and the command line ({@code cli}, also run from the shaded {@code -cli}
 * jar); {@code internal} stays inside.
 */
module dev.reliability.monitoring {
  requires transitive dev.reliability.metrics;
  requires dev.reliability.core;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;

  exports dev.reliability.monitoring;
  exports dev.reliability.monitoring.cli;
}
