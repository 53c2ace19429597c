package dev.reliability.reactor.archfixture;

import dev.reliability.spring.archfixture.SpringThing;

/** A reactor-module class that uses the Spring module: the module graph forbids it. */
public final class ReactorUsesSpring {
  SpringThing thing = new SpringThing();
}
