package dev.reliability.core.context;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The thread-local stack of bound contexts and the MDC mirror. Each binding is a frame that
 * remembers the previous frame and the MDC values it overwrote, so closing it restores exactly what
 * was there before. One allocation per binding (the frame, with its saved values).
 */
final class ContextStorage {

  private static final Logger LOG = LoggerFactory.getLogger(ContextScope.class);
  private static final ThreadLocal<Frame> TOP = new ThreadLocal<>();
  private static final String[] NO_KEYS = new String[0];

  private ContextStorage() {}

  static RequestContext current() {
    Frame top = TOP.get();
    return top == null ? null : top.context;
  }

  /**
   * Binds {@code context} (or, for null, no context) on the calling thread.
   *
   * @param context the context, or null to clear
   * @return the frame, which is the scope
   */
  static Frame push(RequestContext context) {
    Frame parent = TOP.get();
    RequestContext previous = parent == null ? null : parent.context;
    String[] newKeys = context == null ? NO_KEYS : context.keys();
    String[] oldKeys = previous == null ? NO_KEYS : previous.keys();
    // Touched keys: the new context's keys, plus the previous context's keys it does not have.
    int extra = 0;
    for (String k : oldKeys) {
      if (indexOf(newKeys, k) < 0) {
        extra++;
      }
    }
    String[] touched;
    if (extra == 0) {
      touched = newKeys;
    } else {
      touched = new String[newKeys.length + extra];
      System.arraycopy(newKeys, 0, touched, 0, newKeys.length);
      int i = newKeys.length;
      for (String k : oldKeys) {
        if (indexOf(newKeys, k) < 0) {
          touched[i++] = k;
        }
      }
    }
    String[] saved = new String[touched.length];
    String[] newValues = context == null ? NO_KEYS : context.values();
    for (int i = 0; i < touched.length; i++) {
      String key = touched[i];
      saved[i] = MDC.get(key);
      if (i < newKeys.length) {
        MDC.put(key, newValues[i]);
      } else {
        MDC.remove(key);
      }
    }
    Frame frame = new Frame(context, parent, touched, saved, Thread.currentThread());
    TOP.set(frame);
    return frame;
  }

  /** Closes the innermost frame, if any; used by the context-propagation accessor. */
  static void popTop() {
    Frame top = TOP.get();
    if (top != null) {
      top.close();
    }
  }

  private static int indexOf(String[] keys, String key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** Returns MDC keys that are set on the calling thread, for hygiene checks. */
  static Map<String, String> mdcCopy() {
    Map<String, String> copy = MDC.getCopyOfContextMap();
    return copy == null ? Map.of() : copy;
  }

  static final class Frame implements ContextScope {
    final RequestContext context;
    private final Frame parent;
    private final String[] keys;
    private final String[] saved;
    private final Thread owner;
    private boolean closed;

    Frame(RequestContext context, Frame parent, String[] keys, String[] saved, Thread owner) {
      this.context = context;
      this.parent = parent;
      this.keys = keys;
      this.saved = saved;
      this.owner = owner;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      if (Thread.currentThread() != owner) {
        LOG.warn(
            "Request context scope opened on thread {} was closed on thread {}; ignored",
            owner.getName(),
            Thread.currentThread().getName());
        return;
      }
      closed = true;
      if (TOP.get() != this) {
        LOG.warn(
            "Request context scope closed out of order: an inner scope was not closed;"
                + " restoring the state from before this scope");
      }
      for (int i = 0; i < keys.length; i++) {
        if (saved[i] == null) {
          MDC.remove(keys[i]);
        } else {
          MDC.put(keys[i], saved[i]);
        }
      }
      if (parent == null) {
        TOP.remove();
      } else {
        TOP.set(parent);
      }
    }
  }
}
