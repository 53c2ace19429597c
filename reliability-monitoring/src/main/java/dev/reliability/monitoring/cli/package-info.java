/**
 * The command line of the monitoring module ({@link dev.reliability.monitoring.cli.Main}), shipped
 * as the runnable {@code cli} jar.
 */
package dev.reliability.monitoring.cli;
