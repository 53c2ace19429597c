package dev.reliability.core.policy;

import io.micrometer.context.ThreadLocalAccessor;

/**
 * A thread-local registered with the context-propagation library's global registry through {@code
 * META-INF/services} in the test resources, standing in for the request context that other modules
 * register the same way. Public because {@code ServiceLoader} instantiates it.
 */
public final class TestContextAccessor implements ThreadLocalAccessor<String> {

  static final ThreadLocal<String> VALUE = new ThreadLocal<>();

  /** Creates the accessor. */
  public TestContextAccessor() {}

  @Override
  public Object key() {
    return "reliability.test.request";
  }

  @Override
  public String getValue() {
    return VALUE.get();
  }

  @Override
  public void setValue(String value) {
    VALUE.set(value);
  }

  @Override
  public void setValue() {
    VALUE.remove();
  }
}
