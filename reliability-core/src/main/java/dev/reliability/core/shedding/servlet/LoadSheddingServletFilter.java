package dev.reliability.core.shedding.servlet;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.core.shedding.LoadShedder;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A Jakarta Servlet filter that sheds requests over the {@link LoadShedder}'s adaptive limit: a
 * shed request is answered {@code 503} with an {@code application/problem+json} body, a {@code
 * Retry-After} header and the request ID, and never reaches the servlet. Exempt paths (the health
 * probes by default) pass without a permit. Needs the optional {@code
 * jakarta.servlet:jakarta.servlet-api} (6.0 or later).
 *
 * <pre>{@code
 * LoadShedder shedder = LoadShedder.create(LoadSheddingConfig.ofDefaults());
 * context.addFilter(
 *     new FilterHolder(LoadSheddingServletFilter.create(shedder)),
 *     "/api/*",
 *     EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 *
 * <p>Map it for {@code REQUEST} dispatches only (an async or error dispatch of an admitted request
 * already holds its permit). The path matched against the exempt paths is the context-relative path
 * the container decoded and normalised (servlet path plus path info). An asynchronous request keeps
 * its permit until its async context completes (or fails); a synchronous one until the chain
 * returns. Thread-safe.
 */
public final class LoadSheddingServletFilter implements Filter {

  private final LoadShedder shedder;

  private LoadSheddingServletFilter(LoadShedder shedder) {
    this.shedder = shedder;
  }

  /**
   * Creates the filter.
   *
   * @param shedder the shedder
   * @return the filter
   */
  public static LoadSheddingServletFilter create(LoadShedder shedder) {
    return new LoadSheddingServletFilter(Checks.notNull("shedder", shedder));
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    String path = path(request);
    LoadShedder.Ticket ticket = shedder.acquire(request.getMethod(), path, request::getHeader);
    if (!ticket.admitted()) {
      shed(request, response, ticket);
      return;
    }
    if (ticket.exempt()) {
      chain.doFilter(request, response);
      return;
    }
    Throwable failure = null;
    try {
      chain.doFilter(request, response);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      if (failure != null) {
        ticket.fail(failure);
      } else if (request.isAsyncStarted()) {
        request.getAsyncContext().addListener(new Completion(ticket, response));
      } else {
        ticket.complete(response.getStatus());
      }
    }
  }

  private static String path(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    return path.isEmpty() ? "/" : path;
  }

  private void shed(
      HttpServletRequest request, HttpServletResponse response, LoadShedder.Ticket ticket)
      throws IOException {
    String requestId = shedder.requestId(request::getHeader);
    ProblemDetail problem = shedder.problem(ticket, requestId, request.getRequestURI());
    request.setAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE, problem.errorCode());
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(problem.status());
    response.setContentType(ProblemDetail.MEDIA_TYPE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setHeader("X-Request-ID", requestId);
    problem.retryAfterHeader().ifPresent(v -> response.setHeader("Retry-After", v));
    byte[] body = problem.toJson().getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    if (!"HEAD".equalsIgnoreCase(request.getMethod())) {
      response.getOutputStream().write(body);
    }
    response.flushBuffer();
  }

  /** Ends an asynchronous request's ticket once, when its async context completes or fails. */
  private static final class Completion implements AsyncListener {
    private final LoadShedder.Ticket ticket;
    private final HttpServletResponse response;

    Completion(LoadShedder.Ticket ticket, HttpServletResponse response) {
      this.ticket = ticket;
      this.response = response;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      ticket.complete(response.getStatus());
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      // The container completes the request after the timeout handling; onComplete ends it.
    }

    @Override
    public void onError(AsyncEvent event) {
      Throwable failure = event.getThrowable();
      if (failure == null) {
        ticket.abandon();
      } else {
        ticket.fail(failure);
      }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }
  }
}
