package dev.reliability.core.policy;

/**
 * What a chaos strategy injected into an attempt of a policy (see {@link ChaosConfig}), as reported
 * to {@link PolicyListener#onChaosInjected}, counted by {@link ChaosSwitch#injections(ChaosKind)}
 * and tagged on metrics, log lines and spans.
 */
public enum ChaosKind {
  /** The attempt failed with an injected exception instead of running the call. */
  FAULT,
  /** The attempt waited an injected delay before it ran (or before another strategy acted). */
  LATENCY,
  /** The attempt returned a substitute value instead of running the call. */
  RESULT;

  /**
   * Returns the lower-case name used as a metric tag and log value, such as {@code fault}.
   *
   * @return the tag value
   */
  public String tagValue() {
    return switch (this) {
      case FAULT -> "fault";
      case LATENCY -> "latency";
      case RESULT -> "result";
    };
  }
}
