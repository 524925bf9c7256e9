package io.hostdeck.cgroups;

import java.util.List;
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

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.security.Scope;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.cgroupfs.CgroupFs;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.web.Flash;

/** The cgroup pages: the top table and tree, and one cgroup with its charts and processes. */
@Controller
@RequestMapping("/cgroups")
class CgroupsController {

    private final CgroupSampler sampler;
    private final CgroupFs cgroupFs;
    private final ProcFs procFs;
    private final CgroupActions actions;

    CgroupsController(CgroupSampler sampler, CgroupFs cgroupFs, ProcFs procFs, CgroupActions actions) {
        this.sampler = sampler;
        this.cgroupFs = cgroupFs;
        this.procFs = procFs;
        this.actions = actions;
    }

    @GetMapping
    String top(@RequestParam(required = false) String sort, @RequestParam(required = false) String depth,
            @RequestParam(required = false) String view, Model model) {
        Scope.current().requireAll("the cgroup tree");
        CgroupView v = CgroupView.of(sort, depth);
        String layout = view == null || view.isBlank() ? "top" : view;
        if (!layout.equals("top") && !layout.equals("tree")) {
            throw new InvalidInputException("view", "'" + layout + "' is neither top nor tree");
        }
        Map<String, CgroupRates> latest = sampler.latest();
        model.addAttribute("query", v);
        model.addAttribute("layout", layout);
        model.addAttribute("sorts", CgroupView.SORTS);
        model.addAttribute("mode", cgroupFs.mode());
        model.addAttribute("rows", layout.equals("tree") ? new CgroupView("path", v.depth()).rows(latest) : v.rows(latest));
        model.addAttribute("total", latest.size());
        model.addAttribute("interval", sampler.interval().toMillis());
        return "cgroups/top";
    }

    @GetMapping("/{*path}")
    String detail(@PathVariable String path, @RequestParam(required = false) String range, Model model) {
        String p = CgroupPaths.require("path", path);
        requireInScope(p);
        if (range != null && !range.equals("15m") && !range.equals("24h")) {
            throw new InvalidInputException("range", "'" + range + "' is neither 15m nor 24h");
        }
        CgroupRates r = sampler.latest().get(p);
        if (r == null) {
            throw new NotFoundException("no cgroup " + p + " on this host (or it has not been sampled yet)");
        }
        model.addAttribute("path", p);
        model.addAttribute("rates", r);
        model.addAttribute("unit", CgroupPaths.unit(p));
        model.addAttribute("mode", cgroupFs.mode());
        model.addAttribute("processes", cgroupFs.processes(p).stream().limit(500)
                .map(pid -> new Process(pid, procFs.commandLine(pid).orElse(""))).toList());
        return "cgroups/detail";
    }

    /**
     * A cgroup's history for its charts, from the same URL as its page with {@code range=15m} or
     * {@code range=24h}: times (epoch s) and one column per series, null for gaps.
     */
    @GetMapping(value = "/{*path}", params = "range", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> history(@PathVariable String path, @RequestParam String range) {
        requireInScope(CgroupPaths.require("path", path));
        String p = CgroupPaths.require("path", path);
        if (!range.equals("15m") && !range.equals("24h")) {
            throw new InvalidInputException("range", "'" + range + "' is neither 15m nor 24h");
        }
        double[][] s = sampler.history(p, range.equals("24h"))
                .orElseThrow(() -> new NotFoundException("no history of " + p));
        return ResponseEntity.ok(Map.of("path", p, "range", range, "series", HistoryJson.columns(s)));
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


    record Process(long pid, String command) {
    }

    static final class HistoryJson {
        private HistoryJson() {
        }

        /** Columns with null for gaps (JSON has no NaN). */
        static List<List<Double>> columns(double[][] s) {
            return History.columns(s);
        }
    }

    /** A scoped grant sees only the cgroups of its own units. */
    static void requireInScope(String path) {
        io.hostdeck.security.UnitAccess.requireCgroup(
                org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication(), path);
    }
}
