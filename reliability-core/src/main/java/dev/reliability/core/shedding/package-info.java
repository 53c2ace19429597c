/**
 * Inbound load shedding for services: {@link dev.reliability.core.shedding.LoadShedder} admits or
 * sheds each request on an {@link dev.reliability.core.policy.AdaptiveLimiter}, never sheds the
 * exempt (probe) paths and keeps the reserved share of preferred traffic classes; {@link
 * dev.reliability.core.shedding.LoadSheddingConfig} holds its settings. The server filters live in
 * {@code shedding.httpserver} (JDK {@code HttpServer}) and {@code shedding.servlet} (optional
 * Jakarta Servlet).
 */
package dev.reliability.core.shedding;
