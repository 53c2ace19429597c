package dev.reliability.cluster.testing;

import static org.awaitility.Awaitility.await;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * A Hazelcast cluster of embedded members on loopback for tests: TCP-IP join on 127.0.0.1 with
 * ports picked free, a cluster name of its own (so concurrent builds on one machine never merge),
 * no multicast, no phone-home, logging through slf4j, a small partition count, and heartbeats short
 * enough that a terminated member is noticed within seconds.
 */
public final class EmbeddedHazelcast implements AutoCloseable {

  private final String clusterName = "reliability-test-" + UUID.randomUUID();
  private final List<Integer> ports;
  private final List<HazelcastInstance> members;
  private final List<HazelcastInstance> clients = new ArrayList<>();

  private EmbeddedHazelcast(int size) {
    this.ports = freePorts(size);
    List<CompletableFuture<HazelcastInstance>> starting = new ArrayList<>();
    for (int port : ports) {
      starting.add(
          CompletableFuture.supplyAsync(() -> Hazelcast.newHazelcastInstance(config(port))));
    }
    this.members = starting.stream().map(CompletableFuture::join).collect(Collectors.toList());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> members.stream().allMatch(m -> m.getCluster().getMembers().size() == size));
  }

  /**
   * Starts {@code size} members and waits until they form one cluster.
   *
   * @param size how many members
   * @return the running cluster
   */
  public static EmbeddedHazelcast start(int size) {
    return new EmbeddedHazelcast(size);
  }

  /** Returns the members, in start order (terminated ones included). */
  public List<HazelcastInstance> members() {
    return members;
  }

  /**
   * Returns the running member that owns {@code key}'s partition, once the partitions are assigned.
   *
   * @param key a map key
   * @return the owning member
   */
  public HazelcastInstance owner(String key) {
    HazelcastInstance any = running().get(0);
    any.getMap("reliability-test-assign").get(key); // the first operation assigns the partitions
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> any.getPartitionService().getPartition(key).getOwner() != null);
    UUID owner = any.getPartitionService().getPartition(key).getOwner().getUuid();
    return running().stream()
        .filter(m -> m.getCluster().getLocalMember().getUuid().equals(owner))
        .findFirst()
        .orElseThrow();
  }

  /** Returns the members still running. */
  public List<HazelcastInstance> running() {
    return members.stream().filter(m -> m.getLifecycleService().isRunning()).toList();
  }

  /** Returns the cluster's name, which clients must give to join it. */
  public String clusterName() {
    return clusterName;
  }

  /** Returns the members' addresses, {@code 127.0.0.1:port}, comma-separated. */
  public String addresses() {
    return ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** Returns the engine argument of {@link FleetWorker}: {@code hazelcast:cluster@addresses}. */
  public String workerEngine() {
    return "hazelcast:" + clusterName + "@" + addresses();
  }

  /** Starts a client of this cluster; closed with the cluster. */
  public HazelcastInstance newClient() {
    HazelcastInstance client =
        HazelcastClient.newHazelcastClient(clientConfig(clusterName, addresses().split(",")));
    clients.add(client);
    return client;
  }

  /**
   * The configuration of a quiet client on loopback that notices a lost member within seconds.
   *
   * @param clusterName the cluster's name
   * @param addresses the members' {@code host:port} addresses
   * @return the configuration
   */
  public static ClientConfig clientConfig(String clusterName, String... addresses) {
    ClientConfig config = new ClientConfig();
    config.setClusterName(clusterName);
    config.getNetworkConfig().addAddress(addresses);
    config
        .getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(20_000);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.client.heartbeat.interval", "1000");
    config.setProperty("hazelcast.client.heartbeat.timeout", "4000");
    config.setProperty("hazelcast.client.invocation.timeout.seconds", "10");
    config.setProperty("hazelcast.client.statistics.enabled", "false");
    return config;
  }

  private Config config(int port) {
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.partition.count", "23");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "4");
    config.setProperty("hazelcast.heartbeat.failuredetector.type", "deadline");
    config.setProperty("hazelcast.operation.call.timeout.millis", "5000");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "300");
    config.setProperty("hazelcast.health.monitoring.level", "OFF");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.getJetConfig().setEnabled(false);
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(List.of(addresses().split(",")));
    return config;
  }

  private static List<Integer> freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  /** Shuts the clients and the members down at once. */
  @Override
  public void close() {
    clients.forEach(HazelcastInstance::shutdown);
    members.forEach(m -> m.getLifecycleService().terminate());
  }
}
