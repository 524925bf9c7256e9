package io.hostdeck.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.servlet.ModelAndView;

import io.hostdeck.host.HostUnavailableException;

/**
 * The error vocabulary for pages: each kind of failure gets its status and a message that says
 * what was wrong, never a stack trace. (Invalid input, not found, forbidden and conflict join as
 * the features that raise them arrive.)
 */
@ControllerAdvice
class HostErrorAdvice {

    @ExceptionHandler(HostUnavailableException.class)
    @ResponseStatus(HttpStatus.SERVICE_UNAVAILABLE)
    ModelAndView hostUnavailable(HostUnavailableException e) {
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
