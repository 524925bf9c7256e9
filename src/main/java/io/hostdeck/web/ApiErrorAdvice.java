package io.hostdeck.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import io.hostdeck.audit.AuditLog;
import io.hostdeck.error.ConflictException;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.error.RefusedException;
import io.hostdeck.host.HostUnavailableException;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The error vocabulary of the JSON API, the same as the pages' ({@link HostErrorAdvice}) with a
 * JSON body: {@code {"error": "what was wrong", "field": "the parameter" or null}}. It comes
 * first for {@link JsonApi} controllers; refusals are audited as on the pages.
 */
@RestControllerAdvice(annotations = JsonApi.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiErrorAdvice {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorAdvice.class);

    private final AuditLog audit;

    ApiErrorAdvice(AuditLog audit) {
        this.audit = audit;
    }

    @ExceptionHandler(InvalidInputException.class)
    ResponseEntity<Map<String, Object>> invalid(InvalidInputException e) {
        return body(HttpStatus.BAD_REQUEST, e.getMessage(), e.field());
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Map<String, Object>> missing(MissingServletRequestParameterException e) {
        return body(HttpStatus.BAD_REQUEST, e.getParameterName() + ": missing", e.getParameterName());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Map<String, Object>> mismatch(MethodArgumentTypeMismatchException e) {
        return body(HttpStatus.BAD_REQUEST, e.getName() + ": not a valid value", e.getName());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        return body(HttpStatus.BAD_REQUEST, "body: not a JSON object of the documented fields", "body");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Map<String, Object>> mediaType(HttpMediaTypeNotSupportedException e) {
        return body(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json", "Content-Type");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, Object>> method(HttpRequestMethodNotSupportedException e) {
        return body(HttpStatus.METHOD_NOT_ALLOWED, e.getMethod() + " is not allowed here", null);
    }

    @ExceptionHandler({AccessDeniedException.class, AuthorizationDeniedException.class})
    ResponseEntity<Map<String, Object>> forbidden(RuntimeException e, HttpServletRequest request) {
        audit.record("refused", request.getMethod() + " " + request.getRequestURI(), Map.of(),
                "refused: the role does not allow it");
        return body(HttpStatus.FORBIDDEN, "your role does not allow this", null);
    }

    @ExceptionHandler(RefusedException.class)
    ResponseEntity<Map<String, Object>> refused(RefusedException e, HttpServletRequest request) {
        audit.record("refused", request.getMethod() + " " + request.getRequestURI(), Map.of(), "refused: " + e.getMessage());
        return body(HttpStatus.FORBIDDEN, e.getMessage(), null);
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<Map<String, Object>> notFound(NotFoundException e) {
        return body(HttpStatus.NOT_FOUND, e.getMessage(), null);
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<Map<String, Object>> conflict(ConflictException e) {
        return body(HttpStatus.CONFLICT, e.getMessage(), null);
    }

    @ExceptionHandler(io.hostdeck.error.BusyException.class)
    ResponseEntity<Map<String, Object>> busy(io.hostdeck.error.BusyException e) {
        return body(HttpStatus.TOO_MANY_REQUESTS, e.getMessage(), null);
    }

    @ExceptionHandler(HostUnavailableException.class)
    ResponseEntity<Map<String, Object>> hostUnavailable(HostUnavailableException e) {
        log.warn("host unavailable: {}", e.getMessage());
        return body(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage(), null);
    }

    static ResponseEntity<Map<String, Object>> body(HttpStatus status, String message, String field) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("error", message);
        b.put("field", field);
        return ResponseEntity.status(status).body(b);
    }
}
