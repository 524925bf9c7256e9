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

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.cgroupfs.CgroupFs;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.security.Scope;
import io.hostdeck.web.JsonApi;
import io.hostdeck.web.JsonBody;
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

    private final CgroupSampler sampler;
    private final CgroupFs cgroupFs;
    private final ProcFs procFs;
    private final CgroupActions actions;

    CgroupsApi(CgroupSampler sampler, CgroupFs cgroupFs, ProcFs procFs, CgroupActions actions) {
        this.sampler = sampler;
        this.cgroupFs = cgroupFs;
        this.procFs = procFs;
        this.actions = actions;
    }

    record Tree(String mode, int total, long intervalMillis, List<CgroupRates> cgroups) {
    }

    record History(String range, List<List<Double>> series) {
    }

    record One(String path, String unit, String mode, CgroupRates rates, List<CgroupsController.Process> processes,
            History history) {
    }

    @GetMapping
    @Operation(summary = "Every sampled cgroup down to depth, sorted as systemd-cgtop (grants over every unit)")
    Tree tree(@RequestParam(required = false) String sort, @RequestParam(required = false) String depth) {
        Scope.current().requireAll("the cgroup tree");
        CgroupView v = CgroupView.of(sort, depth);
        Map<String, CgroupRates> latest = sampler.latest();
        return new Tree(cgroupFs.mode().toString(), latest.size(), sampler.interval().toMillis(), v.rows(latest));
    }

    /**
     * One cgroup: its latest numbers, processes and history ({@code range} 15m, the default, or
     * 24h): times (epoch s) and one column per series, null for gaps, as the cgroup page's charts.
     */
    @GetMapping("/{*path}")
    @Operation(summary = "One cgroup: latest numbers, processes, history (range 15m or 24h)")
    One one(@PathVariable String path, @RequestParam(required = false) String range) {
        String p = CgroupPaths.require("path", path);
        CgroupsController.requireInScope(p);
        String r = range == null || range.isBlank() ? "15m" : range;
        if (!r.equals("15m") && !r.equals("24h")) {
            throw new InvalidInputException("range", "'" + r + "' is neither 15m nor 24h");
        }
        CgroupRates rates = sampler.latest().get(p);
        if (rates == null) {
            throw new NotFoundException("no cgroup " + p + " on this host (or it has not been sampled yet)");
        }
        History history = sampler.history(p, r.equals("24h"))
                .map(s -> new History(r, CgroupsController.HistoryJson.columns(s))).orElse(null);
        return new One(p, CgroupPaths.unit(p), cgroupFs.mode().toString(), rates,
                cgroupFs.processes(p).stream().limit(500)
                        .map(pid -> new CgroupsController.Process(pid, procFs.commandLine(pid).orElse(""))).toList(),
                history);
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
