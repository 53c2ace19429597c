package dev.reliability.core.leak;

import java.util.Locale;

/**
 * What kind of resource a gauge measures, which decides how a growing gauge is explained: a heap
 * leak, a native-memory leak, a thread leak and so on. Immutable and thread-safe.
 */
public enum LeakKind {
  /** The Java heap's live set after garbage collection. */
  HEAP,
  /** Class metadata: metaspace bytes or the loaded class count, usually a class-loader leak. */
  CLASS_METADATA,
  /** Direct or mapped NIO buffers, off-heap but allocated from Java. */
  DIRECT_MEMORY,
  /** Process memory outside the heap, such as resident set size. */
  NATIVE_MEMORY,
  /** Live platform threads. */
  THREADS,
  /** Open file descriptors (files, sockets, pipes). */
  FILE_DESCRIPTORS,
  /** Anything else a user measures, such as a cache or registry size. */
  CUSTOM;

  /**
   * Returns the lower-case name used in JSON and logs, such as {@code file_descriptors}.
   *
   * @return the JSON name
   */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
