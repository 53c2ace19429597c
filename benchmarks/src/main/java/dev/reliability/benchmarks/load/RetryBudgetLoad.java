package dev.reliability.benchmarks.load;

import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.Jitter;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.Retry;
import dev.reliability.core.policy.RetryBudget;
import dev.reliability.core.policy.RetryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Retry budgets against a dependency that fails every call: a loopback {@link KneeServer} that
 * answers 503 at once to every request, and {@code clients} threads that call it in a closed loop
 * through one of {@code keys} policies (one per downstream host or tenant: call {@code i} of a
 * client goes through key {@code i % keys}), each with at most 3 attempts and no backoff, so the
 * run measures only how many attempts each rule lets through. Each variant runs on a fresh server
 * for {@code duration} seconds or until every client made {@code calls} calls, whichever comes
 * first.
 *
 * <p>Variants: {@code none} (no retry), {@code retry-3} (3 attempts, no budget), and each budget
 * rule per key and shared by the keys: {@code ratio} ({@code RetryBudget.of(0.2, 10)}), {@code
 * token-bucket} (gRPC, {@code RetryBudget.tokenBucket(10, 0.1)}) and {@code percent} (Finagle,
 * {@code RetryBudget.percentOfRequests(0.2, 10 s, 10)}).
 *
 * <p>Reports the logical calls, the attempts the server received and the retries among them, the
 * amplification factor (attempts per call), the bound the rule sets on attempts per call for the
 * calls made, and the retries the budgets refused. A short run of {@code retry-3}, not reported,
 * warms the JIT up first.
 *
 * <p>Run (after {@code mvn -B package -pl benchmarks -am -DskipTests}): {@code java -cp
 * benchmarks/target/benchmarks.jar dev.reliability.benchmarks.load.RetryBudgetLoad}. Options:
 * {@code --variant a,b} (all), {@code --duration s} (4), {@code --calls n} per client (50000),
 * {@code --clients n} (8), {@code --keys n} (4).
 */
public final class RetryBudgetLoad {

  /** A variant: its budget, or none, and whether its keys share it. */
  record Variant(String name, int maxRetries, Supplier<RetryBudget> budget, boolean shared) {

    /**
     * The most attempts per call this variant allows for {@code calls} calls of {@code clients}
     * threads over the run.
     */
    double bound(long calls, int keys, int clients, Duration run) {
      if (maxRetries == 0) {
        return 1;
      }
      RetryBudget b = budget == null ? null : budget.get();
      if (b == null) {
        return 1 + maxRetries;
      }
      int buckets = shared ? 1 : keys;
      double retries =
          switch (b.rule()) {
            case RATIO -> b.ratio() * calls + (double) buckets * b.reserve();
            // Only while more than half the tokens are left, and no success puts one back; the
            // admission reads without taking, so each client in flight may pass once more.
            case TOKEN_BUCKET -> (double) buckets * b.maxTokens() / 2 + clients;
            case PERCENT_OF_REQUESTS -> {
              double windows = Math.ceil(run.toNanos() / (double) b.ttl().toNanos());
              yield b.percentCanRetry() * calls
                  + windows * buckets * b.minRetriesPerSecond() * b.ttl().toSeconds();
            }
            // Decided by another engine: no bound from the rule's values.
            case EXTERNAL -> (double) maxRetries * calls;
          };
      return 1 + Math.min(maxRetries, retries / calls);
    }
  }

  /** What one variant measured. */
  record Result(
      String variant, long calls, long attempts, long refused, double bound, double seconds) {

    /** Attempts per logical call. */
    double amplification() {
      return calls == 0 ? Double.NaN : attempts / (double) calls;
    }
  }

  static final Map<String, Variant> VARIANTS = new LinkedHashMap<>();

  static {
    add(new Variant("none", 0, null, false));
    add(new Variant("retry-3", 2, null, false));
    add(new Variant("ratio-per-key", 2, () -> RetryBudget.of(0.2, 10), false));
    add(new Variant("token-bucket-per-key", 2, () -> RetryBudget.tokenBucket(10, 0.1), false));
    add(
        new Variant(
            "percent-per-key",
            2,
            () -> RetryBudget.percentOfRequests(0.2, Duration.ofSeconds(10), 10),
            false));
    add(new Variant("ratio-shared", 2, () -> RetryBudget.of(0.2, 10), true));
    add(new Variant("token-bucket-shared", 2, () -> RetryBudget.tokenBucket(10, 0.1), true));
    add(
        new Variant(
            "percent-shared",
            2,
            () -> RetryBudget.percentOfRequests(0.2, Duration.ofSeconds(10), 10),
            true));
  }

  private static void add(Variant v) {
    VARIANTS.put(v.name(), v);
  }

  private RetryBudgetLoad() {}

  /**
   * Runs the scenario and prints a Markdown table.
   *
   * @param args options, see the class comment
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    AdaptiveLimitLoad.quietLimiterLogs();
    AdaptiveLimitLoad.Options o = AdaptiveLimitLoad.Options.parse(args);
    String names = o.get("variant", "all");
    List<String> variants =
        names.equals("all") ? new ArrayList<>(VARIANTS.keySet()) : Arrays.asList(names.split(","));
    int duration = o.getInt("duration", 4);
    int calls = o.getInt("calls", 50_000);
    int clients = o.getInt("clients", 8);
    int keys = o.getInt("keys", 4);
    System.out.printf(
        Locale.ROOT,
        "### Retry budgets: amplification against a dependency failing every call%n%n"
            + "%d clients over %d keys (policies), 3 attempts at most, no backoff; each variant on a"
            + " fresh loopback server answering 503 to everything, for %d s or %d calls per client."
            + " JDK %s, %d cores.%n%n```text%njava -cp benchmarks/target/benchmarks.jar"
            + " dev.reliability.benchmarks.load.RetryBudgetLoad%s%n```%n%n",
        clients,
        keys,
        duration,
        calls,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        o.echo(""));
    // Warm-up, not reported: so the first variant does not run on code the JIT has not compiled.
    run(List.of("retry-3"), clients, keys, Duration.ofSeconds(Math.min(2, duration)), calls);
    System.out.println(
        "| variant | calls | attempts | retries | amplification (attempts per call) | bound of"
            + " the rule | retries refused by the budget | calls /s |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (Result r : run(variants, clients, keys, Duration.ofSeconds(duration), calls)) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %d | %d | %.4f | %.4f | %d | %.0f |%n",
          r.variant(),
          r.calls(),
          r.attempts(),
          r.attempts() - r.calls(),
          r.amplification(),
          r.bound(),
          r.refused(),
          r.calls() / r.seconds());
    }
    System.out.println();
    System.exit(0);
  }

  /**
   * Runs the variants one after the other, each on a fresh server.
   *
   * @param variants the names of the variants
   * @param clients the client threads
   * @param keys the policies the calls are spread over
   * @param duration the longest run of one variant
   * @param callsPerClient the most calls of one client in one variant
   * @return one result per variant, in order
   */
  static List<Result> run(
      List<String> variants, int clients, int keys, Duration duration, int callsPerClient)
      throws IOException, InterruptedException {
    List<Result> results = new ArrayList<>();
    for (String name : variants) {
      Variant v = VARIANTS.get(name);
      if (v == null) {
        throw new IllegalArgumentException(
            "variant must be one of " + VARIANTS.keySet() + ", was " + name);
      }
      System.err.printf(Locale.ROOT, "running %s%n", name);
      results.add(runOne(v, clients, keys, duration, callsPerClient));
    }
    return results;
  }

  private static Result runOne(
      Variant v, int clients, int keys, Duration duration, int callsPerClient)
      throws IOException, InterruptedException {
    RetryBudget shared =
        v.budget() != null && v.shared() ? v.budget().get().shared(v.name()) : null;
    Policy[] policies = new Policy[keys];
    try (KneeServer server = KneeServer.start(16, Duration.ZERO)) {
      server.setRejectFraction(1.0);
      for (int k = 0; k < keys; k++) {
        PolicyConfig.Builder config = PolicyConfig.builder();
        if (v.maxRetries() > 0) {
          RetryConfig.Builder retry =
              RetryConfig.builder()
                  .maxRetries(v.maxRetries())
                  .backoff(Backoff.fixed(Duration.ZERO))
                  .jitter(Jitter.NONE);
          if (v.budget() != null) {
            retry.budget(shared != null ? shared : v.budget().get());
          }
          config.retry(retry.build());
        }
        policies[k] = Policy.builder(v.name() + "-" + k).config(config.build()).build();
      }
      AtomicLong calls = new AtomicLong();
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        Thread t =
            new Thread(
                () -> client(server.port(), policies, callsPerClient, end, calls),
                "budget-client-" + c);
        t.setUncaughtExceptionHandler((th, e) -> failures.add(e));
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join(duration.toMillis() + 30_000);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (!failures.isEmpty()) {
        throw new IllegalStateException("a client failed", failures.get(0));
      }
      long attempts = server.served() + server.rejected();
      long refused = 0;
      for (Policy p : policies) {
        refused += p.retry().map(Retry::budgetRejections).orElse(0L);
      }
      long n = calls.get();
      return new Result(
          v.name(),
          n,
          attempts,
          refused,
          v.bound(n, keys, clients, Duration.ofNanos(end - start)),
          seconds);
    } finally {
      for (Policy p : policies) {
        if (p != null) {
          p.close();
        }
      }
    }
  }

  /** One client: calls through the keys in turn until its count or the end of the run. */
  private static void client(
      int port, Policy[] policies, int callsPerClient, long end, AtomicLong calls) {
    byte[] request = HttpConnection.request("/work");
    try (HttpConnection connection = new HttpConnection(port)) {
      Supplier<Integer> attempt =
          () -> {
            int status;
            try {
              status = connection.get(request);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            if (status == 503) {
              throw new ServiceUnavailableException("dependency", "answered 503");
            }
            return status;
          };
      for (int i = 0; i < callsPerClient && System.nanoTime() < end; i++) {
        try {
          policies[i % policies.length].execute(attempt);
        } catch (ServiceUnavailableException expected) {
          // Every call fails: the dependency is down.
        }
        calls.incrementAndGet();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
