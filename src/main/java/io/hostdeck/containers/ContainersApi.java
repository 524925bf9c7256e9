package io.hostdeck.containers;

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
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.namespaces.Container;
import io.hostdeck.host.namespaces.NsType;
import io.hostdeck.host.namespaces.ProcessInfo;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.web.JsonApi;
import io.hostdeck.host.systemd.JobOutcome;
import io.hostdeck.web.JsonBody;
import io.swagger.v3.oas.annotations.Operation;
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

    private final ContainerQueries queries;
    private final ContainerActions actions;
    private final ContainerStops stops;

    ContainersApi(ContainerQueries queries, ContainerActions actions, ContainerStops stops) {
        this.stops = stops;
        this.queries = queries;
        this.actions = actions;
    }

    /** A container as the list shows it. */
    record Summary(String id, String name, String machine, String runtime, String runtimeId, long initPid, String initCommand,
            String cgroup, String unit, Map<NsType, Long> privateNamespaces, int processes, long uptimeSeconds,
            boolean frozen, boolean serviceSandbox, CgroupRates rates, long rxBytes, long txBytes, String href,
            io.hostdeck.host.runtime.RuntimeContainer fromRuntime) {
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
        return queries.list(sandboxes).rows().stream().map(ContainersApi::summary).toList();
    }

    /** The runtimes' containers that do not run, and the runtimes whose API did not answer. */
    record RuntimeListing(List<io.hostdeck.host.runtime.RuntimeContainer> notRunning, List<String> runtimeProblems) {
    }

    @GetMapping("/containers/runtimes")
    @Operation(summary = "What the runtimes' APIs add to the list: their containers that do not run, and which API is not answering")
    RuntimeListing runtimes() {
        ContainerQueries.Listing l = queries.list("");
        return new RuntimeListing(l.notRunning(), l.runtimeProblems());
    }

    /** A runtime's container: what its API tells, and its kernel view while it runs (null otherwise). */
    record RuntimeDetailJson(io.hostdeck.host.runtime.RuntimeContainer container, Summary kernelView) {
    }

    @GetMapping("/containers/{runtime:docker|podman}/{name}")
    @Operation(summary = "A runtime's container by its name or id (stable across restarts), with its kernel view while it runs")
    RuntimeDetailJson runtimeDetail(@PathVariable String runtime, @PathVariable String name) {
        ContainerQueries.RuntimeDetail d = queries.runtimeOne(RuntimeRef.parse(runtime, name));
        return new RuntimeDetailJson(d.container(), d.row() == null ? null : summary(d.row()));
    }

    @GetMapping("/containers/{runtime:docker|podman}/{name}/logs")
    @Operation(summary = "Its last tail= lines of output (default 200) through the runtime's log API")
    ResponseEntity<String> runtimeLogs(@PathVariable String runtime, @PathVariable String name,
            @RequestParam(defaultValue = "200") String tail) {
        return ResponseEntity.ok().contentType(org.springframework.http.MediaType.parseMediaType("text/plain;charset=UTF-8"))
                .body(queries.logs(RuntimeRef.parse(runtime, name), ContainerQueries.tail(tail)));
    }

    @PostMapping("/containers/{runtime:docker|podman}/{name}/{verb:stop|start|restart|pause|unpause|remove}")
    @Operation(summary = "Through the runtime's API: stop (202, outcome under /api/containers/stops; timeout= seconds,"
            + " default the container's own), start, restart, pause, unpause (OPERATOR), remove a stopped one (ADMIN)")
    ResponseEntity<Outcome> runtimeAction(@PathVariable String runtime, @PathVariable String name, @PathVariable String verb,
            @RequestParam(defaultValue = "") String timeout) {
        RuntimeRef ref = RuntimeRef.parse(runtime, name);
        Integer t = ContainerQueries.timeout(timeout);
        return switch (verb) {
            case "stop" -> ResponseEntity.accepted().body(new Outcome(ref.toString(), verb, actions.runtimeStop(ref, t)));
            case "remove" -> ResponseEntity.ok(new Outcome(ref.toString(), verb, actions.runtimeRemove(ref)));
            default -> ResponseEntity.ok(new Outcome(ref.toString(), verb, actions.runtimeAction(ref, verb, t)));
        };
    }

    @GetMapping("/containers/{id}")
    @Operation(summary = "One container: processes (PIDs outside and inside), namespaces, id maps, interfaces")
    Detail detail(@PathVariable String id) {
        ContainerRow row = queries.one(id);
        Container c = row.container();
        return new Detail(summary(row), c.processes(), queries.idMap(c, "uid_map"), queries.idMap(c, "gid_map"), row.net());
    }

    @PostMapping("/containers/{id}/stop")
    @Operation(summary = "Starts stopping it and answers 202 \"stopping\" at once: thawed first when frozen, then through"
            + " systemd when it is a unit's, else SIGTERM; SIGKILL after 10 s. The outcome: GET /api/containers/stops,"
            + " or the live channel's container-stops topic (OPERATOR)")
    org.springframework.http.ResponseEntity<Outcome> stop(@PathVariable String id) {
        return org.springframework.http.ResponseEntity.accepted().body(new Outcome(id, "stop", actions.stop(id)));
    }

    @GetMapping("/containers/stops")
    @Operation(summary = "The container stops in progress and the last that ended, newest first, with their outcome")
    List<ContainerStops.Stop> stops() {
        io.hostdeck.security.Scope.current().requireAll("container stops");
        return stops.recent();
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

    /** {"command": "cat /etc/hostname"}: split at spaces, no shell; 10 s and 64 KiB at most. */
    @PostMapping("/containers/{id}/exec")
    @Operation(summary = "Runs a command in all its namespaces (ADMIN); split at spaces, no shell")
    ContainerActions.ExecResult exec(@PathVariable String id, @RequestBody Map<String, Object> body) {
        Map<String, String> form = JsonBody.strings(body, Set.of("command"), Set.of());
        return actions.exec(id, form.getOrDefault("command", ""));
    }

    @GetMapping("/namespaces")
    @Operation(summary = "Every namespace like lsns; with pid=N, that process and its namespaces")
    Map<String, Object> namespaces(@RequestParam(required = false) String pid) {
        ContainerQueries.Namespaces ns = queries.namespaces(pid);
        Map<String, Object> out = new LinkedHashMap<>();
        if (ns.process() != null) {
            out.put("process", ns.process());
        }
        out.put("hostNamespaces", ns.hostNs());
        // PID 1's namespaces unreadable: Hostdeck's own stood in as the host's
        out.put("hostNamespacesFrom", ns.ownReference() ? "hostdeck" : "pid1");
        out.put("namespaces", ns.rows().stream().map(r -> new Namespace(r.type(), r.inode(), r.first().pid(),
                r.first().command(), r.userNs(), r.members().size())).toList());
        return out;
    }

    private static Summary summary(ContainerRow row) {
        Container c = row.container();
        return new Summary(c.id(), c.name(), c.machine(), c.runtime(), c.runtimeId(), c.init().pid(), c.init().command(),
                c.cgroup(), CgroupPaths.unit(c.cgroup()), c.privateNs(), c.processes().size(), row.uptimeSeconds(),
                row.frozen(), c.serviceSandbox(), row.rates(), row.rxBytes(), row.txBytes(), row.href(), row.runtime());
    }
}
