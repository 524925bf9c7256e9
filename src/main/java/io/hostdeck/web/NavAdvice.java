package io.hostdeck.web;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import jakarta.servlet.http.HttpServletRequest;

/**
 * What every page's frame needs: which entry of the top bar it belongs to, so the nav marks it
 * ({@code aria-current="page"}), and the host's time zone.
 */
@ControllerAdvice
class NavAdvice {

    private final Units units;

    NavAdvice(Units units) {
        this.units = units;
    }

    /** The host's time zone, for pages that show times in the browser (charts). */
    @ModelAttribute("hostZone")
    String hostZone() {
        return units.zone();
    }

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
