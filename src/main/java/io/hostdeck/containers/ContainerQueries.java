package io.hostdeck.containers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.hostdeck.cgroups.CgroupSampler;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.namespaces.Container;
import io.hostdeck.host.namespaces.NamespaceScanner;
import io.hostdeck.host.namespaces.NamespaceScanner.Snapshot;
import io.hostdeck.host.namespaces.NsType;
import io.hostdeck.host.namespaces.ProcessInfo;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.host.runtime.ContainerRuntimes;
import io.hostdeck.host.runtime.RuntimeContainer;
import io.hostdeck.host.runtime.RuntimeStatus;
import io.hostdeck.security.Scope;

/**
 * What the containers pages and the API read, once for both: the list, one container, every
 * namespace. Containers are for grants over every unit; each read checks that first.
 */
@Component
class ContainerQueries {

    /** USER_HZ: the unit of /proc/PID/stat's start time, 100 on every architecture Hostdeck runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private final NamespaceScanner scanner;
    private final ProcFs procFs;
    private final CgroupSampler sampler;
    private final ContainerActions actions;
    private final ContainerRuntimes runtimes;

    ContainerQueries(NamespaceScanner scanner, ProcFs procFs, CgroupSampler sampler, ContainerActions actions,
            ContainerRuntimes runtimes) {
        this.runtimes = runtimes;
        this.scanner = scanner;
        this.procFs = procFs;
        this.sampler = sampler;
        this.actions = actions;
    }

    /** The list; services that systemd's own sandboxing gave namespaces only with {@code sandboxes=shown}. */
    record Listing(List<ContainerRow> rows, int hiddenSandboxes, boolean sandboxesShown, boolean ownReference,
            List<RuntimeContainer> notRunning, List<String> runtimeProblems, String roster) {
    }

    /** A runtime's container, and its row in the kernel's view while it runs (else null). */
    record RuntimeDetail(RuntimeContainer container, ContainerRow row, List<String> runtimeProblems) {
    }

    /** One namespace: its type and inode, its processes (lowest PID first), the user namespace of the first. */
    public record NsRow(NsType type, long inode, ProcessInfo first, Long userNs, List<ProcessInfo> members) {
    }

    /** Every namespace like lsns; with a pid, also that process. */
    record Namespaces(Map<NsType, Long> hostNs, List<NsRow> rows, ProcessInfo process, boolean ownReference) {
    }

    Listing list(String sandboxes) {
        if (!sandboxes.isEmpty() && !sandboxes.equals("shown")) {
            throw new InvalidInputException("sandboxes", "is 'shown' or absent, not '" + sandboxes + "'");
        }
        Scope.current().requireAll("the container list");
        boolean all = sandboxes.equals("shown");
        double uptime = procFs.uptimeSeconds();
        List<ContainerRow> rows = new ArrayList<>();
        int hidden = 0;
        Snapshot s = scanner.scan();
        ContainerRuntimes.View view = runtimes.view();
        List<RuntimeContainer> claimed = new ArrayList<>();
        for (Container c : s.containers()) {
            if (c.serviceSandbox() && !all) {
                hidden++;
            } else {
                ContainerRow r = row(c, uptime, view);
                rows.add(r);
                if (r.runtime() != null) {
                    claimed.add(r.runtime());
                }
            }
        }
        // the runtime's containers that do not run (no processes, so not in the kernel's view)
        List<RuntimeContainer> notRunning = view.containers().stream().filter(rc -> !claimed.contains(rc) && !rc.running())
                .toList();
        return new Listing(rows, hidden, all, s.ownReference(), notRunning, problems(view, s), roster(s, view, all));
    }

    /**
     * What the list holds, as a short signature the live channel sends too ({@link ContainerFeed}):
     * which kernel containers it shows, which runtime container claims each, which runtime
     * containers do not run, which runtime answers. A page whose signature differs fetches itself.
     */
    static String roster(Snapshot s, ContainerRuntimes.View view, boolean sandboxesShown) {
        List<String> parts = new ArrayList<>();
        List<RuntimeContainer> claimed = new ArrayList<>();
        for (Container c : s.containers()) {
            if (c.serviceSandbox() && !sandboxesShown) {
                continue;
            }
            RuntimeContainer rc = claim(c, view);
            if (rc != null) {
                claimed.add(rc);
            }
            parts.add(c.id() + "=" + (rc == null ? "" : rc.runtime() + ":" + rc.id()));
        }
        for (RuntimeContainer rc : view.containers()) {
            if (!claimed.contains(rc) && !rc.running()) {
                parts.add("stopped=" + rc.runtime() + ":" + rc.id());
            }
        }
        for (RuntimeStatus st : view.statuses()) {
            parts.add(st.runtime() + ":" + st.present() + ":" + st.answering());
        }
        java.util.Collections.sort(parts);
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(String.join("\n", parts)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The runtime container that claims kernel container {@code c}, null when none that answered does. */
    private static RuntimeContainer claim(Container c, ContainerRuntimes.View view) {
        return ContainerRuntimes.RUNTIMES.contains(c.runtime())
                ? view.match(c.runtime(), c.runtimeId(), c.init().pid()).orElse(null) : null;
    }

    /** One container of the kernel's view; the runtime container that owns it inspected (its stop timeout for the page). */
    ContainerRow one(String id) {
        Scope.current().requireAll("a container");
        ContainerRow r = row(scanner.scan().require(id), procFs.uptimeSeconds(), runtimes.view());
        if (r.runtime() == null) {
            return r;
        }
        RuntimeContainer owner;
        try {
            owner = runtimes.inspected(r.runtime());
        } catch (io.hostdeck.host.HostUnavailableException e) {
            owner = r.runtime(); // its API stopped answering since the list: what the list said
        }
        return owner == null ? r : new ContainerRow(r.container(), r.rates(), r.net(), r.uptimeSeconds(), r.frozen(), owner);
    }

    /** A runtime's container by its name or id, with its kernel view while it runs. */
    RuntimeDetail runtimeOne(RuntimeRef ref) {
        Scope.current().requireAll("a container");
        RuntimeContainer rc = runtimes.require(ref.runtime(), ref.name());
        ContainerRow kernel = null;
        if (rc.running()) {
            Snapshot s = scanner.scan();
            ContainerRuntimes.View view = new ContainerRuntimes.View(List.of(), List.of(rc));
            for (Container c : s.containers()) {
                if (view.match(c.runtime(), c.runtimeId(), c.init().pid()).isPresent()) {
                    kernel = row(c, procFs.uptimeSeconds(), view);
                    break;
                }
            }
        }
        return new RuntimeDetail(rc, kernel, List.of());
    }

    /** A tail= parameter: 1 to {@link ContainerRuntimes#MAX_TAIL} lines. */
    static int tail(String tail) {
        if (!tail.matches("[0-9]{1,6}") || Integer.parseInt(tail) < 1 || Integer.parseInt(tail) > ContainerRuntimes.MAX_TAIL) {
            throw new InvalidInputException("tail", "is a number of lines from 1 to " + ContainerRuntimes.MAX_TAIL + ", not '"
                    + tail + "'");
        }
        return Integer.parseInt(tail);
    }

    /** A timeout= parameter: empty (the container's own stop timeout) or 0 to 3600 seconds. */
    static Integer timeout(String timeout) {
        if (timeout == null || timeout.isBlank()) {
            return null;
        }
        if (!timeout.strip().matches("[0-9]{1,4}") || Integer.parseInt(timeout.strip()) > io.hostdeck.host.runtime.RuntimeControl.MAX_STOP_TIMEOUT) {
            throw new InvalidInputException("timeout", "is a number of seconds from 0 to "
                    + io.hostdeck.host.runtime.RuntimeControl.MAX_STOP_TIMEOUT + ", not '" + timeout + "'");
        }
        return Integer.parseInt(timeout.strip());
    }

    /** Checks the reader and finds the container whose output it will follow. */
    RuntimeContainer toFollow(RuntimeRef ref) {
        Scope.current().requireAll("a container's logs");
        return runtimes.require(ref.runtime(), ref.name());
    }

    /** Follows its output into {@code out} (after {@link #toFollow} checked the reader). */
    void follow(RuntimeContainer c, int tail, java.io.OutputStream out) throws java.io.IOException {
        runtimes.followLogs(c, tail, out);
    }

    /** Its last lines of output, through the runtime's log API. */
    String logs(RuntimeRef ref, int tail) {
        Scope.current().requireAll("a container's logs");
        return runtimes.logs(runtimes.require(ref.runtime(), ref.name()), tail);
    }

    /**
     * What the list says of runtimes it could not ask: a socket that does not answer; no socket at
     * all while the kernel's view shows that runtime's containers.
     */
    private static List<String> problems(ContainerRuntimes.View view, Snapshot s) {
        List<String> out = new ArrayList<>();
        for (RuntimeStatus st : view.statuses()) {
            if (st.present() && !st.answering()) {
                out.add(st.runtime() + "'s API is not answering on " + st.socket() + " (" + st.problem() + "): its"
                        + " containers are shown from the kernel's view only, without names, images or ports");
            } else if (!st.present() && s.containers().stream().anyMatch(c -> c.runtime().equals(st.runtime()))) {
                out.add(st.runtime() + "'s API is not answering: its socket " + st.socket() + " is not there (start "
                        + st.runtime() + ".socket); its containers are shown from the kernel's view only, without names,"
                        + " images or ports");
            }
        }
        return out;
    }

    /** The container's uid_map or gid_map lines; none when it has no user namespace of its own. */
    List<String> idMap(Container c, String file) {
        return c.privateNs().containsKey(NsType.USER) ? procFs.idMap(c.init().pid(), file) : List.of();
    }

    Namespaces namespaces(String pid) {
        Scope.current().requireAll("the namespace list");
        Snapshot s = scanner.scan();
        ProcessInfo process = null;
        if (pid != null && !pid.isEmpty()) {
            if (!pid.matches("[0-9]{1,10}")) {
                throw new InvalidInputException("pid", "'" + pid + "' is not a process id");
            }
            process = s.processes().stream().filter(x -> x.pid() == Long.parseLong(pid)).findFirst()
                    .orElseThrow(() -> new NotFoundException("no process " + pid + " (or it is a kernel thread)"));
        }
        // processes come sorted by PID, so each namespace's first member is its lowest PID
        Map<String, NsRow> byKey = new LinkedHashMap<>();
        for (ProcessInfo p : s.processes()) {
            p.namespaces().forEach((t, inode) -> byKey.computeIfAbsent(t.file() + ":" + inode,
                    k -> new NsRow(t, inode, p, p.namespaces().get(NsType.USER), new ArrayList<>())).members().add(p));
        }
        List<NsRow> rows = new ArrayList<>(byKey.values());
        rows.sort(Comparator.comparing((NsRow r) -> r.type().ordinal()).thenComparingLong(NsRow::inode));
        return new Namespaces(s.hostNs(), rows, process, s.ownReference());
    }

    private ContainerRow row(Container c, double uptime, ContainerRuntimes.View view) {
        long age = Math.max(0, (long) (uptime - c.init().startTicks() / (double) TICKS_PER_SECOND));
        RuntimeContainer rc = claim(c, view);
        return new ContainerRow(c, sampler.latest().get(c.cgroup()), procFs.netDev(c.init().pid()), age, actions.frozen(c), rc);
    }
}
