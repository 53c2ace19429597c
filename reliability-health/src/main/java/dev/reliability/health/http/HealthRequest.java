package dev.reliability.health.http;

import java.security.Principal;

/**
 * What an authoriser may look at to decide whether a request sees details, the same for the JDK
 * {@code HttpServer} handler and the servlet.
 */
public interface HealthRequest {

  /**
   * Returns a request header.
   *
   * @param name the header's name, without regard to case
   * @return the first value, or null if absent
   */
  String header(String name);

  /**
   * Returns the client's address.
   *
   * @return the IP address as text, such as {@code 127.0.0.1}
   */
  String remoteAddress();

  /**
   * Returns the authenticated user, if the server authenticated the request.
   *
   * @return the principal, or null
   */
  Principal principal();
}
