package dev.reliability.core.connection;

/**
 * Why a {@link ConnectionRegistry} refused a reservation. Counted per reason in {@link
 * ConnectionStatistics#rejected()}.
 */
public enum RejectReason {
  /** Every slot of the registry's global capacity is taken. */
  REGISTRY_FULL,
  /** Every slot of the key's capacity (per user, tenant or address) is taken. */
  KEY_FULL,
  /** The registry is shutting down and admits nothing new. */
  SHUTTING_DOWN
}
