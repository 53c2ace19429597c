package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class RuntimeMetricsTest {

  @Test
  void bindsJvmProcessAndSystemMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (RuntimeMetrics runtime = RuntimeMetrics.create()) {
      runtime.bindTo(registry);

      assertThat(registry.find("jvm.memory.used").tag("area", "heap").gauges()).isNotEmpty();
      assertThat(registry.find("jvm.memory.usage.after.gc").gauge()).isNotNull();
      assertThat(registry.find("jvm.threads.live").gauge()).isNotNull();
      assertThat(registry.find("jvm.classes.loaded").gauge()).isNotNull();
      assertThat(registry.find("jvm.info").gauge()).isNotNull();
      assertThat(registry.find("process.cpu.usage").gauge()).isNotNull();
      assertThat(registry.find("system.cpu.count").gauge()).isNotNull();
      assertThat(registry.find("process.uptime").timeGauge()).isNotNull();
      assertThat(registry.find("jvm.gc.max.data.size").gauge()).isNotNull();
    }
  }

  @Test
  void closeIsIdempotentAndStopsFurtherBinding() {
    RuntimeMetrics runtime = RuntimeMetrics.create();
    runtime.close();
    runtime.close();
    assertThatThrownBy(() -> runtime.bindTo(new SimpleMeterRegistry()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("RuntimeMetrics is closed");
    assertThatThrownBy(() -> runtime.bindTo(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry must not be null");
  }
}
