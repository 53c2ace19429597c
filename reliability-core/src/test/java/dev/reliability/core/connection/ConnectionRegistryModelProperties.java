package dev.reliability.core.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Any sequence of registrations and removals keeps the registry's counts equal to a model's. */
class ConnectionRegistryModelProperties {

  @Property(tries = 200)
  void countsMatchASimpleModel(
      @ForAll @IntRange(min = 1, max = 8) int capacity,
      @ForAll @IntRange(min = 0, max = 4) int perKey,
      @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 99) Integer> ops) {
    ConnectionRegistry<FakeConnection> registry =
        ConnectionRegistry.builder(new FakeTransport())
            .config(
                ConnectionRegistryTest.config()
                    .maxConnections(capacity)
                    .maxConnectionsPerKey(perKey)
                    .build())
            .timeSource(ManualTimeSource.create())
            .build();
    List<RegisteredConnection<FakeConnection>> open = new ArrayList<>();
    Map<String, Integer> model = new HashMap<>();
    int n = 0;
    for (int op : ops) {
      String key = "k" + (op % 3);
      if (op < 60) {
        int keyCount = model.getOrDefault(key, 0);
        boolean fits = open.size() < capacity && (perKey == 0 || keyCount < perKey);
        Reservation<FakeConnection> r = registry.tryReserve(key);
        assertThat(r.isGranted()).isEqualTo(fits);
        if (fits) {
          open.add(r.commit(new FakeConnection("c" + n++)));
          model.merge(key, 1, Integer::sum);
        } else {
          assertThat(r.rejectReason())
              .isEqualTo(
                  open.size() >= capacity ? RejectReason.REGISTRY_FULL : RejectReason.KEY_FULL);
        }
      } else if (!open.isEmpty()) {
        RegisteredConnection<FakeConnection> c = open.remove(op % open.size());
        assertThat(c.unregister()).isTrue();
        model.computeIfPresent(c.key(), (k, v) -> v == 1 ? null : v - 1);
      }
      assertThat(registry.activeCount()).isEqualTo(open.size());
      assertThat(registry.statistics().perKey()).isEqualTo(model);
    }
    registry.shutdown(Duration.ZERO);
    registry.close();
  }
}
