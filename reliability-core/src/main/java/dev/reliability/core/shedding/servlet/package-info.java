/**
 * The load-shedding filter for Jakarta Servlet containers: {@link
 * dev.reliability.core.shedding.servlet.LoadSheddingServletFilter}. Needs the optional {@code
 * jakarta.servlet:jakarta.servlet-api} (6.0 or later); no other package uses this one.
 */
package dev.reliability.core.shedding.servlet;
