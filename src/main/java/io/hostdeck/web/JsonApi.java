package io.hostdeck.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code @RestController} of the JSON API ({@code /api/**}): its errors are JSON,
 * {@code {"error": "...", "field": ...}}, from {@link ApiErrorAdvice}, not error pages.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface JsonApi {
}
