package io.hostdeck.web;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import jakarta.servlet.http.HttpServletRequest;

/** Which entry of the top bar a page belongs to, so the nav marks it ({@code aria-current="page"}). */
@ControllerAdvice
class NavAdvice {

    @ModelAttribute("navSection")
    String navSection(HttpServletRequest request) {
        return sectionOf(request.getRequestURI());
    }

    static String sectionOf(String path) {
        if (path == null || path.equals("/") || path.isEmpty()) {
            return "host";
        }
        int end = path.indexOf('/', 1);
        return end < 0 ? path.substring(1) : path.substring(1, end);
    }
}
