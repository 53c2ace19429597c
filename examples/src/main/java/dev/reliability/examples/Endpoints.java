package dev.reliability.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.examples.support.Chaos;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example's own servlets. Each throws the library's exceptions for failures; {@code
 * ProblemJsonServletFilter} turns them into problem+json answers, {@code
 * RequestContextServletFilter} adds the request ID to both.
 */
final class Endpoints {

  private static final Logger log = LoggerFactory.getLogger(Endpoints.class);

  private Endpoints() {}

  /** Answers only the listed methods; anything else is 405 problem+json with {@code Allow}. */
  abstract static class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final Set<String> methods;

    ApiServlet(String... methods) {
      this.methods = Set.of(methods);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws ServletException, IOException {
      if (!methods.contains(request.getMethod())) {
        String allowed = String.join(", ", methods.stream().sorted().toList());
        response.setHeader("Allow", allowed);
        throw HttpErrors.methodNotAllowed(request.getMethod(), allowed);
      }
      try {
        handle(request, response);
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ServletException(e);
      } catch (Exception e) {
        throw new ServletException(e);
      }
    }

    abstract void handle(HttpServletRequest request, HttpServletResponse response) throws Exception;

    static void reply(HttpServletResponse response, int status, String json) throws IOException {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      response.setStatus(status);
      response.setContentType("application/json");
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
    }
  }

  /** {@code GET /api/quote[?symbol=ACME]}: a quote from the backend, through the policy. */
  static final class QuoteServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private static final Pattern SYMBOL = Pattern.compile("[A-Z]{1,8}");

    private final transient QuoteClient quotes;
    private final transient ObjectMapper json;

    QuoteServlet(QuoteClient quotes, ObjectMapper json) {
      super("GET");
      this.quotes = quotes;
      this.json = json;
    }

    @Override
    void handle(HttpServletRequest request, HttpServletResponse response) throws Exception {
      String symbol = request.getParameter("symbol");
      if (symbol == null || symbol.isEmpty()) {
        symbol = "ACME";
      } else if (!SYMBOL.matcher(symbol).matches()) {
        throw new DataValidationException(
            "symbol must be 1 to 8 upper-case letters",
            Map.of("symbol", "must be 1 to 8 upper-case letters"));
      }
      JsonNode quote = quotes.quote(symbol);
      ObjectNode body = json.createObjectNode();
      body.set("symbol", quote.path("symbol"));
      body.set("price", quote.path("price"));
      body.set("currency", quote.path("currency"));
      body.set("quoted_at", quote.path("quoted_at"));
      body.put("source", QuoteBackend.SERVICE);
      body.put("request_id", RequestContext.currentRequestId());
      log.info("quote answered");
      reply(response, 200, json.writeValueAsString(body));
    }
  }

  /**
   * {@code POST /admin/chaos?failureRate=F&latencyMs=L}: validates, then forwards to the backend.
   */
  static final class ChaosServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    private final transient QuoteClient quotes;

    ChaosServlet(QuoteClient quotes) {
      super("POST");
      this.quotes = quotes;
    }

    @Override
    void handle(HttpServletRequest request, HttpServletResponse response) throws Exception {
      String failureRate = request.getParameter("failureRate");
      String latencyMs = request.getParameter("latencyMs");
      Chaos.parse(failureRate, latencyMs, Chaos.HEALTHY); // throws 400 naming the bad parameter
      String state = quotes.setChaos(failureRate, latencyMs);
      log.info("chaos changed: {}", state);
      reply(response, 200, state);
    }
  }

  /** Every other path: 404 problem+json. */
  static final class NotFoundServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) {
      throw HttpErrors.notFound(request.getMethod());
    }
  }
}
