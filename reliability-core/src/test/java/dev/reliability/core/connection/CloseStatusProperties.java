package dev.reliability.core.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class CloseStatusProperties {

  @Property
  void neverAcceptsTheCodesReservedForLocalReporting(
      @ForAll @IntRange(min = -10, max = 6000) int code) {
    if (code == 1005 || code == 1006 || code == 1015) {
      assertThatThrownBy(() -> CloseStatus.of(code, ""))
          .isInstanceOf(IllegalArgumentException.class);
    }
    boolean sendable =
        (code >= 1000 && code <= 1003)
            || (code >= 1007 && code <= 1014)
            || (code >= 3000 && code <= 4999);
    assertThat(CloseStatus.isSendable(code)).isEqualTo(sendable);
  }

  @Property
  void acceptsAReasonExactlyWhenItsUtf8FormFitsAControlFrame(@ForAll String reason) {
    int bytes = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes <= 123) {
      assertThat(CloseStatus.of(1000, reason).reason()).isEqualTo(reason);
    } else {
      assertThatThrownBy(() -> CloseStatus.of(1000, reason))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
