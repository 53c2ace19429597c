package dev.reliability.tracing.archfixture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deliberately uses SLF4J 2's fluent API, to show that the SLF4J 1.7 rule fails on it. */
public class UsesFluentLogging {
  private static final Logger LOG = LoggerFactory.getLogger(UsesFluentLogging.class);

  public void fluent() {
    LOG.atInfo().addKeyValue("k", 1).log("m");
  }
}
