package dev.reliability.benchmarks.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import java.util.UUID;

/**
 * One embedded Hazelcast member on loopback, alone in a cluster of its own name (no multicast, no
 * phone-home), with Bucket4j's serializers registered; {@link #close()} shuts it down.
 */
final class LocalHazelcastMember {

  /** Where Bucket4j's serializer type ids start; any range the application does not use. */
  static final int BUCKET4J_SERIALIZER_TYPE_ID_BASE = 10_000;

  private LocalHazelcastMember() {}

  /**
   * Starts the member.
   *
   * @return the member
   */
  static HazelcastInstance start() {
    Config config = new Config();
    config.setClusterName("bench-" + UUID.randomUUID());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getNetworkConfig().setPort(5701).setPortAutoIncrement(true);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
    HazelcastProxyManager.addCustomSerializers(
        config.getSerializationConfig(), BUCKET4J_SERIALIZER_TYPE_ID_BASE);
    return Hazelcast.newHazelcastInstance(config);
  }
}
