package io.hostdeck.containers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.hostdeck.cgroups.CgroupPaths;
import io.hostdeck.cgroups.CgroupRates;
import io.hostdeck.cgroups.CgroupSampler;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.namespaces.Container;
import io.hostdeck.host.namespaces.NamespaceScanner;
import io.hostdeck.host.namespaces.NamespaceScanner.Snapshot;
import io.hostdeck.host.namespaces.NsType;
import io.hostdeck.host.namespaces.ProcessInfo;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.security.Scope;
import io.hostdeck.web.JsonApi;
import io.hostdeck.host.systemd.JobOutcome;
import io.hostdeck.web.JsonBody;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * Containers and namespaces over the JSON API, from the same kernel view as the pages; every
 * change through {@link ContainerActions}. Containers are for grants over every unit.
 */
@RestController
@JsonApi
@RequestMapping("/api")
@Tag(name = "containers", description = "containers from the kernel's view, their actions, namespaces")
class ContainersApi {

    private static final long TICKS_PER_SECOND = 100;

    private final NamespaceScanner scanner;
    private final ProcFs procFs;
    private final CgroupSampler sampler;
    private final ContainerActions actions;

    ContainersApi(NamespaceScanner scanner, ProcFs procFs, CgroupSampler sampler, ContainerActions actions) {
        this.scanner = scanner;
        this.procFs = procFs;
        this.sampler = sampler;
        this.actions = actions;
    }

    /** A container as the list shows it. */
    record Summary(String id, String name, String machine, String runtime, String runtimeId, long initPid, String initCommand,
            String cgroup, String unit, Map<NsType, Long> privateNamespaces, int processes, long uptimeSeconds,
            boolean frozen, boolean serviceSandbox, CgroupRates rates, long rxBytes, long txBytes) {
    }

    /** One container: the summary, every process, its uid/gid maps and network interfaces. */
    record Detail(Summary container, List<ProcessInfo> processes, List<String> uidMap, List<String> gidMap,
            List<ProcFs.NetDev> interfaces) {
    }

    /** One namespace, as lsns lists it. */
    record Namespace(NsType type, long inode, long firstPid, String firstCommand, Long userNamespace, int processes) {
    }

    record Outcome(String id, String action, String result) {
    }

    @GetMapping("/containers")
    @Operation(summary = "Every container, whatever made it; sandboxes=shown adds services sandboxed by systemd")
    List<Summary> list(@RequestParam(defaultValue = "") String sandboxes) {
        if (!sandboxes.isEmpty() && !sandboxes.equals("shown")) {
            throw new InvalidInputException("sandboxes", "is 'shown' or absent, not '" + sandboxes + "'");
        }
        Scope.current().requireAll("the container list");
        double uptime = procFs.uptimeSeconds();
        List<Summary> out = new ArrayList<>();
        for (Container c : scanner.scan().containers()) {
            if (!c.serviceSandbox() || sandboxes.equals("shown")) {
                out.add(summary(c, uptime));
            }
        }
        return out;
    }

    @GetMapping("/containers/{id}")
    @Operation(summary = "One container: processes (PIDs outside and inside), namespaces, id maps, interfaces")
    Detail detail(@PathVariable String id) {
        Scope.current().requireAll("a container");
        Container c = scanner.scan().require(id);
        boolean user = c.privateNs().containsKey(NsType.USER);
        return new Detail(summary(c, procFs.uptimeSeconds()), c.processes(),
                user ? procFs.idMap(c.init().pid(), "uid_map") : List.of(),
                user ? procFs.idMap(c.init().pid(), "gid_map") : List.of(), procFs.netDev(c.init().pid()));
    }

    @PostMapping("/containers/{id}/stop")
    @Operation(summary = "Stops it: through systemd when it is a unit's, else SIGTERM then SIGKILL after 10 s (OPERATOR)")
    Outcome stop(@PathVariable String id) {
        return new Outcome(id, "stop", actions.stop(id));
    }

    @PostMapping("/containers/{id}/{verb:freeze|thaw}")
    @Operation(summary = "Freezes or thaws it (OPERATOR)")
    Outcome freeze(@PathVariable String id, @PathVariable String verb) {
        return new Outcome(id, verb, actions.freeze(id, verb.equals("freeze")));
    }

    /** What a launch answers: the unit, its start job's result, and whether it started. */
    record Launched(String unit, String job, String result, boolean ok) {
    }

    /**
     * {"name": "web1", "command": "sleep infinity", "namespaces": ["pid", "net"], "hostname": ...,
     * "uidMap": "0 100000 65536", "MemoryMax": "64M", "CPUQuota": "50%", "CPUWeight": 100,
     * "TasksMax": 32}: the sandbox form's fields, checked by the same parser.
     */
    @PostMapping("/containers/launch")
    @Operation(summary = "Launches a sandbox as hostdeck-sandbox-NAME.service (ADMIN); 200 when it runs, 409 when its start failed")
    ResponseEntity<Launched> launch(@RequestBody Map<String, Object> body) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(body == null ? Map.of() : body);
        if (copy.get("namespaces") instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String)) {
                    throw new io.hostdeck.error.InvalidInputException("namespaces", "is a list of namespace type names");
                }
            }
            copy.put("namespaces", String.join(",", list.stream().map(String::valueOf).toList()));
        }
        Map<String, String> form = JsonBody.strings(copy, Set.of("name", "command", "namespaces", "hostname", "uidMap",
                "MemoryMax", "CPUQuota", "CPUWeight", "TasksMax"), Set.of());
        JobOutcome o = actions.launch(SandboxRequest.parse(form));
        return ResponseEntity.status(o.done() ? HttpStatus.OK : HttpStatus.CONFLICT)
                .body(new Launched(o.unit(), o.job(), o.result(), o.done()));
    }

    /** What exec answers (NsExec's result, which a controller does not name: ArchitectureTest). */
    record ExecOutput(int exitCode, String output, boolean truncated, boolean timedOut) {
    }

    /** {"command": "cat /etc/hostname"}: split at spaces, no shell; 10 s and 64 KiB at most. */
    @PostMapping("/containers/{id}/exec")
    @Operation(summary = "Runs a command in all its namespaces (ADMIN); split at spaces, no shell",
            responses = @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ExecOutput.class))))
    Object exec(@PathVariable String id, @RequestBody Map<String, Object> body) {
        Map<String, String> form = JsonBody.strings(body, Set.of("command"), Set.of());
        return actions.exec(id, form.getOrDefault("command", ""));
    }

    @GetMapping("/namespaces")
    @Operation(summary = "Every namespace like lsns; with pid=N, that process and its namespaces")
    Map<String, Object> namespaces(@RequestParam(required = false) String pid) {
        Scope.current().requireAll("the namespace list");
        Snapshot s = scanner.scan();
        Map<String, Object> out = new LinkedHashMap<>();
        if (pid != null && !pid.isEmpty()) {
            if (!pid.matches("[0-9]{1,10}")) {
                throw new InvalidInputException("pid", "'" + pid + "' is not a process id");
            }
            ProcessInfo p = s.processes().stream().filter(x -> x.pid() == Long.parseLong(pid)).findFirst()
                    .orElseThrow(() -> new NotFoundException("no process " + pid + " (or it is a kernel thread)"));
            out.put("process", p);
        }
        Map<String, List<ProcessInfo>> byKey = new LinkedHashMap<>();
        Map<String, NsType> types = new LinkedHashMap<>();
        Map<String, Long> inodes = new LinkedHashMap<>();
        for (ProcessInfo p : s.processes()) {
            p.namespaces().forEach((t, inode) -> {
                String key = t.file() + ":" + inode;
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
                types.put(key, t);
                inodes.put(key, inode);
            });
        }
        List<Namespace> rows = new ArrayList<>();
        byKey.forEach((key, members) -> {
            ProcessInfo first = members.stream().min(Comparator.comparingLong(ProcessInfo::pid)).orElseThrow();
            rows.add(new Namespace(types.get(key), inodes.get(key), first.pid(), first.command(),
                    first.namespaces().get(NsType.USER), members.size()));
        });
        rows.sort(Comparator.comparing((Namespace n) -> n.type().ordinal()).thenComparingLong(Namespace::inode));
        out.put("hostNamespaces", s.hostNs());
        out.put("namespaces", rows);
        return out;
    }

    private Summary summary(Container c, double uptime) {
        long age = Math.max(0, (long) (uptime - c.init().startTicks() / (double) TICKS_PER_SECOND));
        ContainerRow row = new ContainerRow(c, sampler.latest().get(c.cgroup()), procFs.netDev(c.init().pid()), age,
                actions.frozen(c));
        return new Summary(c.id(), c.name(), c.machine(), c.runtime(), c.runtimeId(), c.init().pid(), c.init().command(), c.cgroup(),
                CgroupPaths.unit(c.cgroup()), c.privateNs(), c.processes().size(), age, row.frozen(), c.serviceSandbox(),
                row.rates(), row.rxBytes(), row.txBytes());
    }
}
