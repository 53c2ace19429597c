package dev.reliability.examples.archfixture;

import dev.reliability.spring.archfixture.internal.SpringInternal;

/** An application class that reaches into the auto-configuration's internals. */
public final class ExampleUsesSpringInternal {
  SpringInternal internal = new SpringInternal();
}
