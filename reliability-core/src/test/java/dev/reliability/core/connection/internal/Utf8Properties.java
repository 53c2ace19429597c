package dev.reliability.core.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class Utf8Properties {

  @Property
  void countsWhatStringGetBytesProduces(@ForAll String text) {
    assertThat(Utf8.length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
  }

  @Property
  void countsSupplementaryCharactersAsFourBytes(@ForAll int codePoint) {
    int cp = Character.MIN_SUPPLEMENTARY_CODE_POINT + Math.floorMod(codePoint, 0x100000);
    String s = new String(Character.toChars(cp));
    assertThat(Utf8.length(s)).isEqualTo(4);
  }
}
