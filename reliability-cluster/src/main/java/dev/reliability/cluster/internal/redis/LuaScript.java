package dev.reliability.cluster.internal.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One Lua script run by its SHA-1 ({@code EVALSHA}); when the server does not know it ({@code
 * NOSCRIPT}, after a restart or a {@code SCRIPT FLUSH}) the same call is sent once more with the
 * script's text ({@code EVAL}), which also caches it on the server again.
 *
 * <p>Immutable and thread-safe.
 */
final class LuaScript {

  private final String name;
  private final String text;
  private final String sha1;

  LuaScript(String name, String text) {
    this.name = name;
    this.text = text;
    this.sha1 = sha1(text);
  }

  String name() {
    return name;
  }

  String sha1() {
    return sha1;
  }

  /**
   * Runs the script; never blocks.
   *
   * @param commands the connection's asynchronous commands
   * @param type the reply's type ({@code INTEGER} gives a {@code Long}, {@code MULTI} a list)
   * @param keys the script's {@code KEYS}
   * @param args the script's {@code ARGV}
   * @param <T> the reply's Java type
   * @return the reply, or the server's error
   */
  <T> CompletableFuture<T> run(
      RedisAsyncCommands<String, byte[]> commands,
      ScriptOutputType type,
      String[] keys,
      byte[]... args) {
    CompletableFuture<T> bySha = commands.<T>evalsha(sha1, type, keys, args).toCompletableFuture();
    return bySha.exceptionallyCompose(
        failure -> {
          Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
          if (cause instanceof RedisNoScriptException) {
            return commands.<T>eval(text, type, keys, args).toCompletableFuture();
          }
          return CompletableFuture.failedFuture(cause);
        });
  }

  private static String sha1(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JDK", e);
    }
  }
}
