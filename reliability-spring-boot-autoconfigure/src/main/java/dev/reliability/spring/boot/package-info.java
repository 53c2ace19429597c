/** What an application using the Spring Boot starter touches: the {@link Guarded} annotation. */
package dev.reliability.spring.boot;
