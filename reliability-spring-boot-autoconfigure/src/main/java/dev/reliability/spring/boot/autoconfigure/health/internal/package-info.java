/**
 * The implementation of the health auto-configuration: the bridges between the library's {@code
 * HealthCheckRegistry} and Spring Boot's lifecycle, availability states and Actuator. This package
 * is internal and may change at any time.
 */
package dev.reliability.spring.boot.autoconfigure.health.internal;
