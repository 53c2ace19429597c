package dev.reliability.core.shedding;

import java.util.function.Function;

/**
 * Names the traffic class of an inbound request: the partition of the {@link LoadShedder}'s
 * adaptive limit it draws from. The default reads {@link LoadSheddingConfig#trafficClassHeader()}.
 *
 * <p>Called once per request on the server's thread, before the request is admitted: it must be
 * fast, must not block and should not throw (a classifier that throws puts the request in the
 * default partition). Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TrafficClassifier {

  /**
   * Returns the traffic class of a request.
   *
   * @param method the request method, such as {@code GET}
   * @param path the request path, not decoded
   * @param headers the first value of a request header by name (case-insensitive), or null
   * @return the name of a partition of the limit; null or an unknown name means the default
   *     partition
   */
  String classify(String method, String path, Function<String, String> headers);
}
