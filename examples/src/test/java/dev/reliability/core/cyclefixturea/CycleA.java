package dev.reliability.core.cyclefixturea;

import dev.reliability.core.cyclefixtureb.CycleB;

/** One half of a deliberate package cycle, used to show that the cycle rule fails. */
public class CycleA {
  public Object next() {
    return new CycleB();
  }
}
