package dev.reliability.core.cyclefixtureb;

import dev.reliability.core.cyclefixturea.CycleA;

/** The other half of a deliberate package cycle. */
public class CycleB {
  public Object next() {
    return new CycleA();
  }
}
