package io.hostdeck.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

import io.hostdeck.error.ConflictException;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.error.RefusedException;
import io.hostdeck.host.HostUnavailableException;

/**
 * The error vocabulary for pages: each kind of failure gets its status and a message that says
 * what was wrong, never a stack trace. Invalid input 400 (with the field), not allowed 403, not
 * found 404, conflict 409, host unavailable 503.
 */
@ControllerAdvice
class HostErrorAdvice {

    private static final Logger log = LoggerFactory.getLogger(HostErrorAdvice.class);

    private final io.hostdeck.audit.AuditLog audit;

    HostErrorAdvice(io.hostdeck.audit.AuditLog audit) {
        this.audit = audit;
    }

    @ExceptionHandler(InvalidInputException.class)
    ModelAndView invalid(InvalidInputException e) {
        return page(HttpStatus.BAD_REQUEST, "Invalid " + e.field(), e.getMessage());
    }

    @ExceptionHandler({AccessDeniedException.class, AuthorizationDeniedException.class})
    ModelAndView forbidden(RuntimeException e, jakarta.servlet.http.HttpServletRequest request) {
        audit.record("refused", request.getMethod() + " " + request.getRequestURI(), java.util.Map.of(),
                "refused: the role does not allow it");
        return page(HttpStatus.FORBIDDEN, "Not allowed", "Your role does not allow this action.");
    }

    @ExceptionHandler(RefusedException.class)
    ModelAndView refused(RefusedException e, jakarta.servlet.http.HttpServletRequest request) {
        audit.record("refused", request.getMethod() + " " + request.getRequestURI(), java.util.Map.of(),
                "refused: " + e.getMessage());
        return page(HttpStatus.FORBIDDEN, "Not allowed", e.getMessage());
    }

    @ExceptionHandler(NotFoundException.class)
    ModelAndView notFound(NotFoundException e) {
        return page(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler(ConflictException.class)
    ModelAndView conflict(ConflictException e) {
        return page(HttpStatus.CONFLICT, "Refused in the host's current state", e.getMessage());
    }

    @ExceptionHandler(io.hostdeck.error.BusyException.class)
    ModelAndView busy(io.hostdeck.error.BusyException e) {
        return page(HttpStatus.TOO_MANY_REQUESTS, "Too many at once", e.getMessage());
    }

    @ExceptionHandler(HostUnavailableException.class)
    ModelAndView hostUnavailable(HostUnavailableException e) {
        log.warn("host unavailable: {}", e.getMessage());
        return page(HttpStatus.SERVICE_UNAVAILABLE, "Host unavailable", e.getMessage());
    }

    static ModelAndView page(HttpStatus status, String title, String message) {
        ModelAndView mv = new ModelAndView("error");
        mv.addObject("status", status.value());
        mv.addObject("error", title);
        mv.addObject("message", message);
        mv.setStatus(status);
        return mv;
    }
}
