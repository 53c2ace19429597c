package dev.reliability.examples.springboot;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.examples.support.Chaos;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The example's routes. Each throws the library's exceptions for failures; the starter turns them
 * into problem+json answers carrying the request ID.
 *
 * <ul>
 *   <li>{@code GET /api/quote[?symbol=ACME]}: a quote from the backend through the policy;
 *   <li>{@code GET /api/quote/reactive[?symbol=ACME]}: the same through {@code WebClient} and the
 *       policy as a Reactor operator, returned as a {@code Mono} (Spring MVC answers it
 *       asynchronously);
 *   <li>{@code POST /admin/chaos?failureRate=F&latencyMs=L}: validates, then sets the backend's
 *       faults.
 * </ul>
 */
@RestController
final class QuoteController {

  private static final Logger log = LoggerFactory.getLogger(QuoteController.class);
  private static final Pattern SYMBOL = Pattern.compile("[A-Z]{1,8}");

  private final QuoteClient quotes;

  QuoteController(QuoteClient quotes) {
    this.quotes = quotes;
  }

  @GetMapping(path = "/api/quote", produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> quote(@RequestParam(name = "symbol", required = false) String symbol)
      throws Exception {
    JsonNode quote = quotes.quote(validSymbol(symbol));
    log.info("quote answered");
    return body(quote, RequestContext.currentRequestId());
  }

  @GetMapping(path = "/api/quote/reactive", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<Map<String, Object>> quoteReactive(
      @RequestParam(name = "symbol", required = false) String symbol) {
    String valid = validSymbol(symbol);
    String requestId = RequestContext.currentRequestId();
    return quotes
        .quoteReactive(valid)
        .map(
            quote -> {
              log.info("quote answered", kv("request_id", requestId));
              return body(quote, requestId);
            });
  }

  @PostMapping(path = "/admin/chaos", produces = MediaType.APPLICATION_JSON_VALUE)
  String chaos(
      @RequestParam(name = "failureRate", required = false) String failureRate,
      @RequestParam(name = "latencyMs", required = false) String latencyMs)
      throws Exception {
    Chaos.parse(failureRate, latencyMs, Chaos.HEALTHY); // throws 400 naming the bad parameter
    String state = quotes.setChaos(failureRate, latencyMs);
    log.info("chaos changed: {}", state);
    return state;
  }

  private static String validSymbol(String symbol) {
    if (symbol == null || symbol.isEmpty()) {
      return "ACME";
    }
    // Length first: the pattern never sees more than 8 characters of outside input.
    if (symbol.length() > 8 || !SYMBOL.matcher(symbol).matches()) {
      throw new DataValidationException(
          "symbol must be 1 to 8 upper-case letters",
          Map.of("symbol", "must be 1 to 8 upper-case letters"));
    }
    return symbol;
  }

  private static Map<String, Object> body(JsonNode quote, String requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("symbol", quote.path("symbol").asText());
    body.put("price", quote.path("price").asDouble());
    body.put("currency", quote.path("currency").asText());
    body.put("quoted_at", quote.path("quoted_at").asText());
    body.put("source", QuoteBackend.SERVICE);
    body.put("request_id", requestId);
    return body;
  }
}
