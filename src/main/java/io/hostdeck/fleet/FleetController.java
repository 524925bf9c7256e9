package io.hostdeck.fleet;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;

import io.hostdeck.fleet.PrometheusClient.PrometheusException;
import io.hostdeck.security.Scope;

/**
 * {@code /fleet}: every Hostdeck Prometheus scrapes, for every role; a grant limited to some units
 * sees only those units' rows. The page asks again for its tables (an htmx request, the same URL)
 * whenever the {@code fleet} live topic ticks, so each refresh goes through the user's own grant.
 */
@Controller
class FleetController {

    private final FleetService fleet;

    FleetController(FleetService fleet) {
        this.fleet = fleet;
    }

    @GetMapping("/fleet")
    ModelAndView page(@RequestParam(required = false) String host, @RequestParam(required = false) List<String> label,
            @RequestHeader(value = "HX-Request", required = false) String htmx) {
        FleetFilter filter = new FleetFilter(host, label);
        ModelAndView mv = new ModelAndView(htmx == null ? "fleet/page" : "fleet/page :: tables");
        mv.addObject("filter", filter);
        mv.addObject("enabled", fleet.enabled());
        mv.addObject("prometheus", fleet.prometheus());
        mv.addObject("job", fleet.job());
        if (!fleet.enabled()) {
            return mv;
        }
        try {
            Fleet f = fleet.read(filter, Scope.current());
            mv.addObject("fleet", f);
            mv.addObject("empty", fleet.emptyReason(f, filter).orElse(null));
        } catch (PrometheusException e) {
            // never an empty fleet: the page says Prometheus did not answer, and why
            mv.addObject("problem", e.getMessage());
            mv.setStatus(HttpStatus.BAD_GATEWAY);
        }
        return mv;
    }
}
