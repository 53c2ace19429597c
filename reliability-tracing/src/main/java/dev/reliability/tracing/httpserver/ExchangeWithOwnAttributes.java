package dev.reliability.tracing.httpserver;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exchange whose attributes belong to this exchange alone. The JDK's {@code HttpExchange} keeps
 * attributes in its {@code HttpContext}, shared by every concurrent exchange on that context (seen
 * on JDK 17 and 25), so an error code stored by one request would be read by another. Reads fall
 * back to the shared attributes for names this exchange never set.
 */
final class ExchangeWithOwnAttributes extends HttpExchange {

  private static final Object NULL = new Object();

  private final HttpExchange delegate;
  // Created on the first setAttribute: most requests set none.
  private volatile ConcurrentHashMap<String, Object> attributes;

  ExchangeWithOwnAttributes(HttpExchange delegate) {
    this.delegate = delegate;
  }

  /** Returns an attribute set on this exchange (not a shared one), or null. */
  Object ownAttribute(String name) {
    ConcurrentHashMap<String, Object> map = attributes;
    Object v = map == null ? null : map.get(name);
    return v == NULL ? null : v;
  }

  @Override
  public Object getAttribute(String name) {
    ConcurrentHashMap<String, Object> map = attributes;
    Object v = map == null ? null : map.get(name);
    if (v == null) {
      return delegate.getAttribute(name);
    }
    return v == NULL ? null : v;
  }

  @Override
  public void setAttribute(String name, Object value) {
    ConcurrentHashMap<String, Object> map = attributes;
    if (map == null) {
      synchronized (this) {
        map = attributes;
        if (map == null) {
          map = new ConcurrentHashMap<>();
          attributes = map;
        }
      }
    }
    map.put(name, value == null ? NULL : value);
  }

  @Override
  public Headers getRequestHeaders() {
    return delegate.getRequestHeaders();
  }

  @Override
  public Headers getResponseHeaders() {
    return delegate.getResponseHeaders();
  }

  @Override
  public URI getRequestURI() {
    return delegate.getRequestURI();
  }

  @Override
  public String getRequestMethod() {
    return delegate.getRequestMethod();
  }

  @Override
  public HttpContext getHttpContext() {
    return delegate.getHttpContext();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public InputStream getRequestBody() {
    return delegate.getRequestBody();
  }

  @Override
  public OutputStream getResponseBody() {
    return delegate.getResponseBody();
  }

  @Override
  public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
    delegate.sendResponseHeaders(rCode, responseLength);
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return delegate.getRemoteAddress();
  }

  @Override
  public int getResponseCode() {
    return delegate.getResponseCode();
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return delegate.getLocalAddress();
  }

  @Override
  public String getProtocol() {
    return delegate.getProtocol();
  }

  @Override
  public void setStreams(InputStream i, OutputStream o) {
    delegate.setStreams(i, o);
  }

  @Override
  public HttpPrincipal getPrincipal() {
    return delegate.getPrincipal();
  }
}
