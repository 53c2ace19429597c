/**
 * The implementation of the leak-detection auto-configuration. This package is internal and may
 * change at any time.
 */
package dev.reliability.spring.boot.autoconfigure.leak.internal;
