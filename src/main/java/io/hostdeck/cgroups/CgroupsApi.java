package io.hostdeck.cgroups;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.hostdeck.web.JsonApi;
import io.hostdeck.web.JsonBody;
import io.hostdeck.web.Paging;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * cgroups over the JSON API: the sampler's latest numbers as the top table shows them, one cgroup
 * with its processes and history, and raw limits through {@link CgroupActions}.
 */
@RestController
@JsonApi
@RequestMapping("/api/cgroups")
@Tag(name = "cgroups", description = "every cgroup's numbers, one cgroup's history, raw limits")
class CgroupsApi {

    private final CgroupQueries queries;
    private final CgroupActions actions;

    CgroupsApi(CgroupQueries queries, CgroupActions actions) {
        this.queries = queries;
        this.actions = actions;
    }

    /**
     * {@code total}: cgroups sampled; {@code matching}: those within the depth; {@code cgroups}: all of
     * them, or with {@code page}/{@code size} in the URL only that page's ({@code page} and
     * {@code pages} then say where it stands; null without).
     */
    record Tree(String mode, int total, long intervalMillis, int matching, Integer page, Integer pages,
            List<CgroupRates> cgroups) {
    }

    record History(String range, List<List<Double>> series) {
    }

    record One(String path, String unit, String mode, CgroupRates rates, List<CgroupQueries.Process> processes,
            History history) {
    }

    @GetMapping
    @Operation(summary = "Every sampled cgroup down to depth, sorted as systemd-cgtop (grants over every unit); "
            + "page and size (1..1000) for one page of them")
    Tree tree(@RequestParam(required = false) String sort, @RequestParam(required = false) String depth,
            @RequestParam(required = false) String page, @RequestParam(required = false) String size) {
        boolean paged = Paging.asked(page, size);
        Paging paging = paged ? Paging.of(page, size) : Paging.ALL;
        CgroupQueries.Top top = queries.top(sort, depth, null, paging);
        return new Tree(top.mode().toString(), top.total(), top.intervalMillis(), top.page().total(),
                paged ? top.page().number() : null, paged ? top.page().pages() : null, top.rows());
    }

    /**
     * One cgroup: its latest numbers, processes and history ({@code range} 15m, the default, or
     * 24h): times (epoch s) and one column per series, null for gaps, as the cgroup page's charts.
     */
    @GetMapping("/{*path}")
    @Operation(summary = "One cgroup: latest numbers, processes, history (range 15m or 24h)")
    One one(@PathVariable String path, @RequestParam(required = false) String range) {
        CgroupQueries.One one = queries.one(path, HistoryRange.defaulted(range));
        History history = queries.historyIfAny(one.path(), one.range())
                .map(h -> new History(h.range().label(), h.columns())).orElse(null);
        return new One(one.path(), one.unit(), one.mode().toString(), one.rates(), one.processes(), history);
    }

    /** Raw limits of a cgroup no unit owns (ADMIN): {"path": "/x", "memory": "512M", "cpuWeight": 100, ...}. */
    @PostMapping("/limits")
    @Operation(summary = "Writes raw limits (memory, cpuWeight, cpuQuota, pids) of a cgroup no unit owns (ADMIN)")
    Map<String, Object> limits(@RequestBody Map<String, Object> body) {
        Map<String, String> form = JsonBody.strings(body, Set.of("path", "memory", "cpuWeight", "cpuQuota", "pids"), Set.of());
        String p = CgroupPaths.require("path", form.get("path"));
        RawLimits limits = RawLimits.parse(form);
        actions.setLimits(p, limits);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", p);
        Map<String, String> written = new LinkedHashMap<>();
        limits.describe(written);
        out.put("written", written);
        return out;
    }
}
