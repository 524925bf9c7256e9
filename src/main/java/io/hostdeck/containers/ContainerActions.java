package io.hostdeck.containers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

import io.hostdeck.audit.AuditLog;
import io.hostdeck.cgroups.CgroupPaths;
import io.hostdeck.error.ConflictException;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.cgroupfs.CgroupFreezer;
import io.hostdeck.host.namespaces.Container;
import io.hostdeck.host.namespaces.NamespaceScanner;
import io.hostdeck.host.namespaces.NamespaceScanner.Snapshot;
import io.hostdeck.host.namespaces.NsExec;
import io.hostdeck.host.namespaces.NsType;
import io.hostdeck.host.namespaces.PidMapper;
import io.hostdeck.host.namespaces.ProcessControl;
import io.hostdeck.host.namespaces.ProcessControl.Ending;
import io.hostdeck.host.namespaces.ProcessInfo;
import io.hostdeck.host.runtime.ContainerRuntimes;
import io.hostdeck.host.runtime.RuntimeContainer;
import io.hostdeck.host.runtime.RuntimeControl;
import io.hostdeck.host.sandbox.SandboxRuntime;
import io.hostdeck.host.systemd.JobOutcome;
import io.hostdeck.host.systemd.TransientService;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitSetting;

/**
 * The privileged layer of the containers feature: every change to a container passes here, checks
 * the role, takes only checked input, and writes the audit record with its outcome.
 */
@Service
public class ContainerActions {

    static final Duration GRACE = Duration.ofSeconds(10);
    static final int MAX_ARGS = 64;
    /** SIGTERM, then SIGKILL this much later: a PID namespace's init ignores SIGTERM it does not handle. */
    static final Duration SANDBOX_STOP_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How long the launcher (unshare, a shell, hostname, nsenter: some 10 ms here) may take to make
     * the namespaces and start the command: kept generous for a slow or emulated host under a
     * small CPU quota, where every exec is 10-30 times slower. (The page waits for the start job
     * up to hostdeck.systemd.job-timeout, then says it is still running.)
     */
    static final Duration SANDBOX_START_TIMEOUT = Duration.ofSeconds(90 * 3);
    static final int MAX_ARG_LENGTH = 4096;

    private final NamespaceScanner scanner;
    private final ProcessControl control;
    private final PidMapper pids;
    private final CgroupFreezer freezer;
    private final NsExec exec;
    private final Systemd systemd;
    private final SandboxRuntime sandboxes;
    private final AuditLog audit;
    private final ContainerStops stops;
    private final ContainerRuntimes runtimes;
    private final RuntimeControl runtimeControl;

    ContainerActions(NamespaceScanner scanner, ProcessControl control, PidMapper pids, CgroupFreezer freezer,
            NsExec exec, Systemd systemd, SandboxRuntime sandboxes, AuditLog audit, ContainerStops stops,
            ContainerRuntimes runtimes, RuntimeControl runtimeControl) {
        this.runtimes = runtimes;
        this.runtimeControl = runtimeControl;
        this.stops = stops;
        this.scanner = scanner;
        this.control = control;
        this.pids = pids;
        this.freezer = freezer;
        this.exec = exec;
        this.systemd = systemd;
        this.sandboxes = sandboxes;
        this.audit = audit;
    }

    /**
     * Starts stopping a container and returns at once ("stopping"); {@link ContainerStops} carries
     * it out and reports the outcome. A frozen container is thawed first (a frozen process cannot
     * act on SIGTERM nor die of SIGKILL). Then through systemd when its cgroup is a unit's (systemd
     * stops every process in it), SIGKILL to the unit after {@link ContainerStops#GRACE}; otherwise
     * SIGTERM through pidfds, then SIGKILL after {@link #GRACE}. Killing the init of a PID namespace
     * ends every process in it. The audit trail gets the request and, once known, the outcome.
     *
     * <p>A container that a runtime whose API answers owns (podman's, docker's) is stopped through
     * that runtime instead, with the container's own stop timeout, as on its runtime page: the
     * runtime then records a stop (not a kill from outside, {@code Exited (137)}), and its
     * restart policy and state stay its own. That is what {@code docker stop} and Portainer's Stop
     * do. Returns "stopping through podman's API (web1)" then.
     */
    @PreAuthorize("hasRole('OPERATOR')")
    public String stop(String id) {
        Snapshot s = scan();
        Container c = s.require(id);
        RuntimeContainer owner = owner(c);
        if (owner != null) {
            stopThroughRuntime(owner, null, Map.of("kernel-id", c.id()));
            return "stopping through " + owner.runtime() + "'s API (" + owner.name() + ")";
        }
        String unit = CgroupPaths.unit(c.cgroup());
        boolean viaUnit = unit != null && s.aloneInItsCgroup(c);
        return audited("container-stop", c, Map.of(), () -> {
            stops.start(c.id(), target(c), () -> {
                String thawed = frozen(c) ? thaw(c) : "";
                if (viaUnit) {
                    return thawed + stops.stopUnit(unit);
                }
                List<ProcessInfo> targets = c.id().startsWith("pid-") ? List.of(c.init()) : c.processes();
                Ending ending = control.stop(targets, GRACE);
                if (ending == Ending.STILL_RUNNING) {
                    throw new ConflictException(thawed + "still running after SIGKILL");
                }
                return thawed + ending.name().toLowerCase().replace('_', ' ') + stops.unitNow(unit);
            }, outcome -> audit.record("container-stopped", target(c), Map.of(), outcome));
            return "stopping";
        });
    }

    /**
     * Stops a runtime's container through its API, with {@code timeout} seconds (null: the
     * container's own stop timeout) between the runtime's stop signal and its SIGKILL, so the runtime
     * records a stop. Returns at once ("stopping"); the outcome shows under Stops like any stop's.
     */
    @PreAuthorize("hasRole('OPERATOR')")
    public String runtimeStop(RuntimeRef ref, Integer timeout) {
        checkTimeout(timeout);
        RuntimeContainer c = runtimeContainer(ref);
        return stopThroughRuntime(c, timeout, timeout == null ? Map.of() : Map.of("timeout", Integer.toString(timeout)));
    }

    /** Starts the runtime's stop of {@code c} (its outcome under Stops, keyed runtime/name like its page's stop). */
    private String stopThroughRuntime(RuntimeContainer c, Integer timeout, Map<String, String> args) {
        String target = target(c);
        return audited("container-stop", target, args, () -> {
            stops.start(c.runtime() + "/" + c.name(), target, () -> {
                // a paused container is unpaused first: podman refuses to stop one ("container state improper")
                String unpaused = c.paused() ? c.runtime() + " " + runtimeControl.unpause(c) + " it, then " : "";
                long t0 = System.nanoTime();
                String done = runtimeControl.stop(c, timeout);
                return unpaused + c.runtime() + " " + done + " " + c.name() + String.format(java.util.Locale.ROOT, " in %.1f s", (System.nanoTime() - t0) / 1e9)
                        + " (stop timeout " + (timeout != null ? timeout : c.stopTimeout() != null ? c.stopTimeout()
                                : RuntimeControl.DEFAULT_STOP_TIMEOUT) + " s)";
            }, outcome -> audit.record("container-stopped", target, args, outcome));
            return "stopping";
        });
    }

    /** start, restart, pause or unpause through the runtime's API. */
    @PreAuthorize("hasRole('OPERATOR')")
    public String runtimeAction(RuntimeRef ref, String verb, Integer timeout) {
        checkTimeout(timeout);
        RuntimeContainer c = runtimeContainer(ref);
        Map<String, String> args = timeout == null ? Map.of() : Map.of("timeout", Integer.toString(timeout));
        return audited("container-" + verb, target(c), args, () -> switch (verb) {
            case "start" -> runtimeControl.start(c);
            case "restart" -> runtimeControl.restart(c, timeout);
            case "pause" -> runtimeControl.pause(c);
            case "unpause" -> runtimeControl.unpause(c);
            default -> throw new InvalidInputException("action", "is start, restart, pause or unpause, not '" + verb + "'");
        });
    }

    /** Removes a runtime's container that is not running (never forced). */
    @PreAuthorize("hasRole('ADMIN')")
    public String runtimeRemove(RuntimeRef ref) {
        RuntimeContainer c = runtimeContainer(ref);
        return audited("container-remove", target(c), Map.of(), () -> runtimeControl.remove(c));
    }

    /** The runtime container that owns kernel container {@code c} (inspected), when its runtime's API answers; else null. */
    private RuntimeContainer owner(Container c) {
        if (!ContainerRuntimes.RUNTIMES.contains(c.runtime())) {
            return null;
        }
        RuntimeContainer listed = runtimes.view().match(c.runtime(), c.runtimeId(), c.init().pid())
                .filter(RuntimeContainer::running).orElse(null);
        return listed == null ? null : runtimes.inspected(listed);
    }

    private RuntimeContainer runtimeContainer(RuntimeRef ref) {
        io.hostdeck.security.Scope.current().requireAll("a container");
        return runtimes.require(ref.runtime(), ref.name());
    }

    private static void checkTimeout(Integer timeout) {
        if (timeout != null && (timeout < 0 || timeout > RuntimeControl.MAX_STOP_TIMEOUT)) {
            throw new InvalidInputException("timeout", "is 0 to " + RuntimeControl.MAX_STOP_TIMEOUT + " seconds, not " + timeout);
        }
    }

    private static String target(RuntimeContainer c) {
        return c.runtime() + " " + c.name() + " (" + c.shortId() + ", " + c.image() + ")";
    }

    /** Thaws a frozen container before its stop; says so in the outcome. */
    private String thaw(Container c) {
        if (freezer.usesV1Freezer()) {
            freezer.thawProcesses(c.id());
        } else {
            freezer.freezeCgroup(c.cgroup(), false);
        }
        return "thawed, then ";
    }

    /**
     * Freezes or thaws a container's processes. One that a runtime whose API answers owns is paused
     * or unpaused through it instead (as {@code podman pause} does, so {@code podman ps} shows it
     * paused and the runtime unpauses it itself); a thaw of one the runtime does not see as paused
     * (frozen from outside it) thaws it here.
     */
    @PreAuthorize("hasRole('OPERATOR')")
    public String freeze(String id, boolean frozen) {
        Snapshot s = scan();
        Container c = s.require(id);
        RuntimeContainer owner = owner(c);
        if (owner != null && (frozen || owner.paused())) {
            String verb = frozen ? "pause" : "unpause";
            return audited("container-" + verb, target(owner), Map.of("kernel-id", c.id(), "asked", frozen ? "freeze" : "thaw"),
                    () -> (frozen ? runtimeControl.pause(owner) : runtimeControl.unpause(owner)) + " through " + owner.runtime()
                            + "'s API (" + owner.name() + ")");
        }
        return audited(frozen ? "container-freeze" : "container-thaw", c, Map.of(), () -> {
            if (freezer.usesV1Freezer()) {
                if (frozen) {
                    List<Long> own = new ArrayList<>();
                    for (ProcessInfo p : c.processes()) {
                        own.add(pids.ownPid(p, s.hostNs()));
                    }
                    freezer.freezeProcesses(c.id(), own);
                } else {
                    freezer.thawProcesses(c.id());
                }
            } else {
                if (!s.aloneInItsCgroup(c)) {
                    throw new ConflictException("its cgroup " + c.cgroup() + " also holds other processes: freezing it"
                            + " would freeze them too");
                }
                freezer.freezeCgroup(c.cgroup(), frozen);
            }
            return frozen ? "frozen" : "thawed";
        });
    }

    /** Whether it is frozen now, for the page. */
    @PreAuthorize("hasRole('VIEWER')")
    public boolean frozen(Container c) {
        return freezer.usesV1Freezer() ? freezer.frozenV1(c.id()) : freezer.frozenV2(c.cgroup());
    }

    /** What a command run in a container gave: its exit status and output (at most 64 KiB). */
    public record ExecResult(int exitCode, String output, boolean truncated, boolean timedOut) {
    }

    /** Runs a command in every namespace of the container's init, as nsenter -t INIT -a does. */
    @PreAuthorize("hasRole('ADMIN')")
    public ExecResult exec(String id, String commandLine) {
        List<String> argv = argv(commandLine);
        Container c = scan().require(id);
        List<NsType> enter = new ArrayList<>(c.privateTypes());
        NsExec.Result[] result = new NsExec.Result[1];
        audited("container-exec", c, Map.of("command", String.join(" ", argv)), () -> {
            result[0] = exec.run(c.init(), enter, argv);
            return result[0].timedOut() ? "timed out" : "exit " + result[0].exitCode();
        });
        NsExec.Result r = result[0];
        return new ExecResult(r.exitCode(), r.output(), r.truncated(), r.timedOut());
    }

    /**
     * Launches a sandbox: a transient service {@code hostdeck-sandbox-NAME.service} on the target
     * whose first process (util-linux's unshare and a shell, see
     * {@link io.hostdeck.host.sandbox.SandboxRuntime}) makes the namespaces and starts the command in them, under the requested limits. Stopping the unit (or the container)
     * ends it, and systemd forgets the unit at once.
     */
    @PreAuthorize("hasRole('ADMIN')")
    public JobOutcome launch(SandboxRequest request) {
        io.hostdeck.security.Scope.current().requireAll("a sandbox");
        // the launcher briefly runs a few processes of its own beside the command (a shell, the user
        // namespace's holder, hostname): a sandbox's TasksMax or MemoryMax could keep it from
        // starting, so those two follow once it has exited
        List<UnitSetting> now = new ArrayList<>();
        List<UnitSetting> later = new ArrayList<>();
        for (UnitSetting l : request.limits()) {
            (l.property().equals("TasksMax") || l.property().startsWith("Memory") ? later : now).add(l);
        }
        SandboxRuntime.Launch launch = sandboxes.command(request.launch());
        TransientService service = new TransientService(request.unit(), "forking",
                "Hostdeck sandbox " + request.name() + ": " + String.join(" ", request.command()),
                launch.argv(), now, SANDBOX_STOP_TIMEOUT, SANDBOX_START_TIMEOUT, launch.standardInput());
        try {
            JobOutcome outcome = systemd.startTransient(service);
            if (outcome.done() && !later.isEmpty()) {
                try {
                    systemd.setProperties(request.unit(), true, later);
                } catch (io.hostdeck.error.NotFoundException gone) {
                    throw new ConflictException(request.unit() + " ended right after it started: its log says why");
                }
            }
            audit.record("sandbox-launch", request.unit(), request.auditArgs(), outcome.result());
            return outcome;
        } catch (RuntimeException e) {
            audit.record("sandbox-launch", request.unit(), request.auditArgs(), "error: " + e.getMessage());
            throw e;
        }
    }

    /**
     * A command line split at spaces into arguments (there is no shell, so no quoting, globbing or
     * variables).
     */
    static List<String> argv(String commandLine) {
        if (commandLine == null || commandLine.isBlank()) {
            throw new InvalidInputException("command", "is empty");
        }
        for (int i = 0; i < commandLine.length(); i++) {
            char ch = commandLine.charAt(i);
            if (ch < 0x20 && ch != '\t' || ch == 0x7f) {
                throw new InvalidInputException("command", "holds a control character (code " + (int) ch + ")");
            }
        }
        List<String> argv = List.of(commandLine.strip().split("[ \t]+"));
        if (argv.size() > MAX_ARGS) {
            throw new InvalidInputException("command", "has " + argv.size() + " arguments, at most " + MAX_ARGS);
        }
        for (String a : argv) {
            if (a.length() > MAX_ARG_LENGTH) {
                throw new InvalidInputException("command", "has an argument of " + a.length() + " characters, at most "
                        + MAX_ARG_LENGTH);
            }
        }
        return argv;
    }

    /** What the host shows now; containers are for grants over every unit. */
    private Snapshot scan() {
        io.hostdeck.security.Scope.current().requireAll("a container");
        return scanner.scan();
    }

    private static String target(Container c) {
        return c.id() + " (" + c.runtime() + (c.runtimeId().isEmpty() ? "" : " " + c.runtimeId()) + ", init "
                + c.init().pid() + ")";
    }

    private String audited(String action, Container c, Map<String, String> args, java.util.function.Supplier<String> work) {
        return audited(action, target(c), args, work);
    }

    private String audited(String action, String target, Map<String, String> args, java.util.function.Supplier<String> work) {
        try {
            String outcome = work.get();
            audit.record(action, target, args, outcome);
            return outcome;
        } catch (RuntimeException e) {
            audit.record(action, target, args, "error: " + e.getMessage());
            throw e;
        }
    }
}
