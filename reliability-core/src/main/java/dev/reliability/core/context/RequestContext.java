package dev.reliability.core.context;

import dev.reliability.core.internal.Checks;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one authoritative context of a unit of work: the request ID and optional correlation fields
 * (user, tenant, session and custom keys).
 *
 * <p>A context is an immutable value. {@link #bind()} makes it the current context of the calling
 * thread and mirrors every field into SLF4J's MDC under the field's key ({@code request_id}, {@code
 * user_id}, ...), so every log line written inside the scope carries them. Closing the scope
 * restores exactly what was there before: the previous context and the caller's previous MDC value
 * of every key the scope touched, whether that value was set by an outer scope or by the caller
 * directly; keys the scope did not touch are left alone. Scopes nest and are closed with
 * try-with-resources, so an exception cannot leave a context behind:
 *
 * <pre>{@code
 * RequestContext context = RequestContext.builder("req-42").userId("u-7").build();
 * try (ContextScope scope = context.bind()) {
 *   log.info("handling");              // MDC: request_id=req-42, user_id=u-7
 *   RequestContext.currentRequestId(); // "req-42"
 * }
 * // previous context and MDC values are back
 * }</pre>
 *
 * <p>The context crosses threads through Micrometer's context-propagation library: this module
 * registers a {@code ThreadLocalAccessor} for it, so any {@code ContextSnapshot} (the wrappers in
 * {@link ContextPropagation}, the fault-tolerance policies, Reactor, Micrometer Observation)
 * carries it and its MDC mirror to the thread that runs the task.
 *
 * <p>A context may also carry a {@link Deadline} ({@link #withDeadline}, {@link #deadline()}): the
 * time by which the request must be done. It is not a field and not in the MDC; it travels with the
 * context to other threads, the policies honour it, and the tracing module's filters and HTTP
 * client read and write it as a header (see {@link DeadlineHeader}).
 *
 * <p>Field keys are letters, digits, {@code _}, {@code .} and {@code -} (at most 64 characters);
 * values are any non-null text. Instances are immutable and thread-safe; binding affects only the
 * calling thread.
 */
public final class RequestContext {

  /** The MDC key and field name of the request ID. */
  public static final String REQUEST_ID_KEY = "request_id";

  /** The MDC key and field name of the user ID. */
  public static final String USER_ID_KEY = "user_id";

  /** The MDC key and field name of the tenant ID. */
  public static final String TENANT_ID_KEY = "tenant_id";

  /** The MDC key and field name of the session ID. */
  public static final String SESSION_ID_KEY = "session_id";

  private static final int MAX_KEY_LENGTH = 64;

  // keys[0] is always REQUEST_ID_KEY; parallel arrays keep binding cheap.
  private final String[] keys;
  private final String[] values;

  /** The request's deadline, or null for none. */
  private final Deadline deadline;

  private RequestContext(String[] keys, String[] values) {
    this(keys, values, null);
  }

  private RequestContext(String[] keys, String[] values, Deadline deadline) {
    this.keys = keys;
    this.values = values;
    this.deadline = deadline;
  }

  /**
   * Returns a context holding only a request ID.
   *
   * @param requestId the request ID, not blank
   * @return the context
   * @throws NullPointerException if {@code requestId} is null
   * @throws IllegalArgumentException if {@code requestId} is blank
   */
  public static RequestContext of(String requestId) {
    Checks.notBlank("requestId", requestId);
    return new RequestContext(new String[] {REQUEST_ID_KEY}, new String[] {requestId});
  }

  /**
   * Starts a context with a request ID.
   *
   * @param requestId the request ID, not blank
   * @return a builder
   * @throws NullPointerException if {@code requestId} is null
   * @throws IllegalArgumentException if {@code requestId} is blank
   */
  public static Builder builder(String requestId) {
    return new Builder(Checks.notBlank("requestId", requestId));
  }

  /**
   * Returns the context bound to the calling thread.
   *
   * @return the current context, or empty outside any scope
   */
  public static Optional<RequestContext> current() {
    return Optional.ofNullable(ContextStorage.current());
  }

  /**
   * Returns the request ID of the context bound to the calling thread, without allocating.
   *
   * @return the request ID, or null outside any scope
   */
  public static String currentRequestId() {
    RequestContext c = ContextStorage.current();
    return c == null ? null : c.values[0];
  }

  /**
   * Returns the deadline of the context bound to the calling thread, without allocating.
   *
   * @return the deadline, or null outside any scope or when the context has none
   */
  public static Deadline currentDeadline() {
    RequestContext c = ContextStorage.current();
    return c == null ? null : c.deadline;
  }

  /**
   * Makes this context the calling thread's current context and mirrors its fields into the MDC,
   * until the returned scope is closed.
   *
   * @return the scope; close it on the same thread, innermost first
   */
  public ContextScope bind() {
    return ContextStorage.push(this);
  }

  /**
   * Returns the request ID.
   *
   * @return the request ID, never blank
   */
  public String requestId() {
    return values[0];
  }

  /**
   * Returns the user ID, if set.
   *
   * @return the user ID, or empty
   */
  public Optional<String> userId() {
    return get(USER_ID_KEY);
  }

  /**
   * Returns the tenant ID, if set.
   *
   * @return the tenant ID, or empty
   */
  public Optional<String> tenantId() {
    return get(TENANT_ID_KEY);
  }

  /**
   * Returns the session ID, if set.
   *
   * @return the session ID, or empty
   */
  public Optional<String> sessionId() {
    return get(SESSION_ID_KEY);
  }

  /**
   * Returns the request's deadline, if it has one.
   *
   * @return the deadline, or empty
   */
  public Optional<Deadline> deadline() {
    return Optional.ofNullable(deadline);
  }

  /**
   * Returns a copy with a deadline: {@code deadline} itself if this context has none, otherwise the
   * earlier of the two, so that a nested scope can shorten the time left but never extend it. The
   * fields are unchanged.
   *
   * @param deadline the deadline
   * @return the new context
   * @throws NullPointerException if {@code deadline} is null
   */
  public RequestContext withDeadline(Deadline deadline) {
    Checks.notNull("deadline", deadline);
    return new RequestContext(keys, values, deadline.earlier(this.deadline));
  }

  /**
   * Returns a copy without a deadline, for work that must outlive the request (a background task
   * started by it).
   *
   * @return the new context, or this one if it has no deadline
   */
  public RequestContext withoutDeadline() {
    return deadline == null ? this : new RequestContext(keys, values, null);
  }

  /**
   * Returns the value of a field.
   *
   * @param key the field key, such as {@code tenant_id}
   * @return the value, or empty if the field is not set
   */
  public Optional<String> get(String key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return Optional.of(values[i]);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns every field, request ID first, then the others in the order they were set.
   *
   * @return an immutable ordered map of field keys to values
   */
  public Map<String, String> fields() {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      m.put(keys[i], values[i]);
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * Returns a copy with one field set or replaced.
   *
   * @param key the field key
   * @param value the value
   * @return the new context
   * @throws NullPointerException if {@code key} or {@code value} is null
   * @throws IllegalArgumentException if the key has characters other than letters, digits, {@code
   *     _}, {@code .} and {@code -}, is longer than 64 characters, or is {@code request_id} with a
   *     blank value
   */
  public RequestContext with(String key, String value) {
    return toBuilder().put(key, value).build();
  }

  /**
   * Returns a builder holding this context's fields and deadline.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(values[0]);
    b.deadline = deadline;
    for (int i = 1; i < keys.length; i++) {
      b.put(keys[i], values[i]);
    }
    return b;
  }

  /**
   * Returns the field keys in order, shared with {@link ContextStorage}; do not modify.
   *
   * @return the keys
   */
  String[] keys() {
    return keys;
  }

  /**
   * Returns the field values in order, shared with {@link ContextStorage}; do not modify.
   *
   * @return the values
   */
  String[] values() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RequestContext other
        && Arrays.equals(keys, other.keys)
        && Arrays.equals(values, other.values)
        && java.util.Objects.equals(deadline, other.deadline);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(keys) + Arrays.hashCode(values))
        + java.util.Objects.hashCode(deadline);
  }

  @Override
  public String toString() {
    return "RequestContext" + fields() + (deadline == null ? "" : ", " + deadline);
  }

  /** Builds a {@link RequestContext}. Not thread-safe. */
  public static final class Builder {
    // Parallel arrays in insertion order; a request has a handful of fields.
    private String[] keys = new String[4];
    private String[] values = new String[4];
    private int size;
    private Deadline deadline;

    private Builder(String requestId) {
      keys[0] = REQUEST_ID_KEY;
      values[0] = requestId;
      size = 1;
    }

    /**
     * Sets the user ID.
     *
     * @param userId the user ID
     * @return this builder
     * @throws NullPointerException if {@code userId} is null
     */
    public Builder userId(String userId) {
      return put(USER_ID_KEY, userId);
    }

    /**
     * Sets the tenant ID.
     *
     * @param tenantId the tenant ID
     * @return this builder
     * @throws NullPointerException if {@code tenantId} is null
     */
    public Builder tenantId(String tenantId) {
      return put(TENANT_ID_KEY, tenantId);
    }

    /**
     * Sets the session ID.
     *
     * @param sessionId the session ID
     * @return this builder
     * @throws NullPointerException if {@code sessionId} is null
     */
    public Builder sessionId(String sessionId) {
      return put(SESSION_ID_KEY, sessionId);
    }

    /**
     * Sets any field; setting {@code request_id} replaces the request ID.
     *
     * @param key the field key: letters, digits, {@code _}, {@code .} and {@code -}, at most 64
     *     characters; it is also the MDC key
     * @param value the value
     * @return this builder
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if the key is malformed, or the request ID would be blank
     */
    public Builder put(String key, String value) {
      Checks.notNull("key", key);
      Checks.notNull("value", value);
      Checks.check(
          validKey(key),
          "context key",
          "1 to " + MAX_KEY_LENGTH + " letters, digits, '_', '.' or '-'",
          "\"" + key + "\"");
      if (key.equals(REQUEST_ID_KEY)) {
        Checks.notBlank("requestId", value);
      }
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          values[i] = value;
          return this;
        }
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size] = value;
      size++;
      return this;
    }

    /**
     * Sets the deadline, replacing any set before. Default none.
     *
     * @param deadline the deadline, or null for none
     * @return this builder
     */
    public Builder deadline(Deadline deadline) {
      this.deadline = deadline;
      return this;
    }

    /**
     * Builds the context.
     *
     * @return an immutable context
     */
    public RequestContext build() {
      return new RequestContext(Arrays.copyOf(keys, size), Arrays.copyOf(values, size), deadline);
    }

    private static boolean validKey(String key) {
      if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
        return false;
      }
      for (int i = 0; i < key.length(); i++) {
        char c = key.charAt(i);
        boolean ok =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '.'
                || c == '-';
        if (!ok) {
          return false;
        }
      }
      return true;
    }
  }
}
