package dev.reliability.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LimitersTest {

  @AfterEach
  void defaults() {
    Limiters.setOurs("");
  }

  @Test
  void oursTakesTheSettingsGivenOnTheCommandLine() {
    Limiters.setOurs("initial-limit=7, max-limit=50");

    // AIMD starts at its initial limit (the gradient starts with a probe, at a quarter of it).
    assertThat(Limiters.create("ours-aimd").limit()).isEqualTo(7);
  }

  @Test
  void oursStartsAtItsDefaultsWithoutSettings() {
    assertThat(Limiters.create("ours-aimd").limit()).isEqualTo(20);
  }

  @Test
  void aPairWithoutAValueIsRefused() {
    assertThatThrownBy(() -> Limiters.setOurs("tolerance"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ours must be key=value pairs, was tolerance");
  }

  @Test
  void aFixedBulkheadAdmitsItsSizeAndNoMoreUntilAPermitEnds() {
    LoadLimiter fixed = Limiters.create("fixed-16");
    LoadLimiter.Permit[] permits = new LoadLimiter.Permit[16];
    for (int i = 0; i < 16; i++) {
      permits[i] = fixed.tryAcquire();
      assertThat(permits[i]).isNotNull();
    }
    assertThat(fixed.tryAcquire()).isNull();

    permits[0].success(10_000_000);

    assertThat(fixed.tryAcquire()).isNotNull();
  }

  @Test
  void anUnknownLimiterIsRefusedWithTheNamesThatExist() {
    assertThatThrownBy(() -> Limiters.create("fixed-17"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("limiter must be one of [none, fixed-16,")
        .hasMessageEndingWith(", was fixed-17");
  }
}
