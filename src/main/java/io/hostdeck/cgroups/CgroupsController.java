package io.hostdeck.cgroups;

import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import io.hostdeck.security.Scope;
import io.hostdeck.web.Flash;
import io.hostdeck.web.Paging;

/** The cgroup pages: the top table and tree, and one cgroup with its charts and processes. */
@Controller
@RequestMapping("/cgroups")
class CgroupsController {

    private final CgroupQueries queries;
    private final CgroupActions actions;

    CgroupsController(CgroupQueries queries, CgroupActions actions) {
        this.queries = queries;
        this.actions = actions;
    }

    @GetMapping
    String top(@RequestParam(required = false) String sort, @RequestParam(required = false) String depth,
            @RequestParam(required = false) String view, @RequestParam(required = false) String page,
            @RequestParam(required = false) String size, Model model) {
        Paging paging = Paging.of(page, size);
        CgroupQueries.Top top = queries.top(sort, depth, view, paging);
        model.addAttribute("query", top.query());
        model.addAttribute("layout", top.layout());
        model.addAttribute("sorts", CgroupView.SORTS);
        model.addAttribute("mode", top.mode());
        model.addAttribute("rows", top.rows());
        model.addAttribute("page", top.page());
        model.addAttribute("paging", paging);
        model.addAttribute("pager", top.page().links(n -> top.query().pageLink(top.layout(), paging, n)));
        model.addAttribute("total", top.total());
        model.addAttribute("interval", top.intervalMillis());
        return "cgroups/top";
    }

    @GetMapping("/{*path}")
    String detail(@PathVariable String path, @RequestParam(required = false) String range, Model model) {
        CgroupQueries.One one = queries.one(path, range);
        model.addAttribute("path", one.path());
        model.addAttribute("rates", one.rates());
        model.addAttribute("unit", one.unit());
        model.addAttribute("mode", one.mode());
        model.addAttribute("processes", one.processes());
        return "cgroups/detail";
    }

    /**
     * A cgroup's history for its charts, from the same URL as its page with {@code range=15m} or
     * {@code range=24h}: times (epoch s) and one column per series, null for gaps.
     */
    @GetMapping(value = "/{*path}", params = "range", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> history(@PathVariable String path, @RequestParam String range) {
        CgroupQueries.History h = queries.history(path, range);
        return ResponseEntity.ok(Map.of("path", h.path(), "range", h.range().label(), "series", h.columns()));
    }

    /** Raw limits for a cgroup no unit owns (ADMIN); the path comes in the form, checked like any. */
    @PostMapping("/limits")
    String limits(@RequestParam Map<String, String> form, RedirectAttributes redirect) {
        Scope.current().requireAll("raw cgroup limits"); // who may, before what
        String p = CgroupPaths.require("path", form.get("path"));
        actions.setLimits(p, RawLimits.parse(form));
        redirect.addFlashAttribute("flash", Flash.ok("Wrote the limits of " + p + "."));
        return "redirect:/cgroups" + p;
    }
}
