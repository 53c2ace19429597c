package dev.reliability.tracing.archfixture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Uses only what slf4j-api 1.7 has: the SLF4J 1.7 rule accepts it. */
public class UsesClassicLogging {
  private static final Logger LOG = LoggerFactory.getLogger(UsesClassicLogging.class);

  public void classic() {
    if (LOG.isInfoEnabled()) {
      MDC.put("k", "1");
      LOG.info("m {}", 1);
      MDC.remove("k");
    }
  }
}
